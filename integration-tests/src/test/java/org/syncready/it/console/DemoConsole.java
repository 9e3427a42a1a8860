package org.syncready.it.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;

/**
 * The demo (controller, embedded broker, SQLite, the simulated fleet of 12 boxes in 4 schools, the demo
 * accounts) on free loopback ports with its own data folder, as {@code java -jar ... --demo} runs it.
 * Needs the agent's jar (the simulated fleet runs from it): {@code mvn -pl integration-tests -am verify}
 * builds it before the tests.
 */
public final class DemoConsole implements AutoCloseable {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Controller controller;
    private final HttpClient http = HttpClient.newHttpClient();

    private DemoConsole(Controller controller) {
        this.controller = controller;
    }

    /** Starts the demo in {@code data} and waits until its 12 boxes are online. */
    public static DemoConsole start(Path data) throws Exception {
        Path agentJar = ROOT.resolve("agent/target/syncready-agent.jar");
        if (!Files.isRegularFile(agentJar)) {
            fail("the demo's simulated fleet runs the agent's jar; build it first (mvn -B -q -pl agent -am package -DskipTests): missing "
                    + agentJar);
        }
        Controller c = Controller.start(ControllerConfig.builder(data).freePorts().opcuaPort(ControllerConfig.OFF)
                .demo(true).demoAgentJar(agentJar).build());
        DemoConsole demo = new DemoConsole(c);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> c.fleet().count(
                org.syncready.controller.fleet.Presence.ONLINE) == 12);
        return demo;
    }

    public Controller controller() {
        return controller;
    }

    public String base() {
        return "http://127.0.0.1:" + controller.httpPort();
    }

    /** An API call with a demo account's password (HTTP Basic): status and body. */
    public HttpResponse<String> api(String method, String path, String user, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pass")
                        .getBytes(StandardCharsets.UTF_8)));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        controller.close();
    }
}
