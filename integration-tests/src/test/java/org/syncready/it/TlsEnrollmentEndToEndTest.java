package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.agent.enroll.EnrollCommand;
import org.syncready.agent.mqtt.MqttReporter;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.tls.TlsIdentity;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.StatusMessage;

/**
 * A box enrolled with a code: {@code syncready-agent enroll} over HTTPS (first contact trusted by the
 * CA fingerprint), then the agent from the written agent.yaml, over MQTT with TLS to the embedded
 * broker with the certificate the controller made itself; its speed test over HTTPS with the same
 * trust. A box pinning another CA refuses the controller with one clear log line and keeps retrying.
 */
class TlsEnrollmentEndToEndTest {
    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Agent> agents = new ArrayList<>();
    private final ListAppender<ILoggingEvent> reporterLog = new ListAppender<>();
    private final Logger reporterLogger = (Logger) LoggerFactory.getLogger(MqttReporter.class);
    private Controller controller;
    private String bearer;

    @BeforeEach
    void start() throws Exception {
        reporterLog.start();
        reporterLogger.addAppender(reporterLog);
        controller = Controller.start(ControllerConfig.builder(dir.resolve("controller")).freePorts().build());
        // The technician's side goes through the API as the first admin, with a token.
        bearer = "Bearer " + controller.accounts().createToken("admin", "tls test", null, "admin").secret();
        post("/api/v1/schools", "{\"id\":\"hexi\",\"nameZh\":\"河西小学\",\"nameEn\":\"Hexi\"}");
        post("/api/v1/classrooms", "{\"id\":\"hexi-g3\",\"schoolId\":\"hexi\",\"nameZh\":\"三年级\",\"nameEn\":\"Grade 3\"}");
    }

    @AfterEach
    void stop() {
        agents.forEach(Agent::stop);
        reporterLogger.detachAppender(reporterLog);
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void aBoxEnrolledWithACodeReportsOverTlsAndABoxPinningAnotherCaRefusesTheServer() throws Exception {
        JsonNode code = post("/api/v1/classrooms/hexi-g3/enrollment-codes", "{}");
        Path box = dir.resolve("box");
        BoxEnrollment.Outcome enrolled = BoxEnrollment.enroll(box, code, "box-tls-1");
        Path agentYaml = enrolled.agentYaml();
        assertEquals(0, enrolled.exit(), enrolled.err());
        assertTrue(enrolled.out().contains("enrolled as box box-tls-1 in classroom hexi-g3 (school hexi)"), enrolled.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(box.resolve("box.secret"))));
        assertFalse(Files.readString(agentYaml).contains(Files.readString(box.resolve("box.secret")).strip()),
                "the secret is not in agent.yaml");

        AgentConfig config = ConfigLoader.load(agentYaml);
        assertEquals("box-tls-1", config.boxId());
        assertEquals("ssl://127.0.0.1:" + controller.mqttsPort(), config.broker().uri());
        assertEquals("https://127.0.0.1:" + controller.httpsPort(), config.controller().url());
        assertEquals("SR-BOX-200", controller.registry().box("box-tls-1").orElseThrow().model());
        Agent agent = Agent.start(config, c -> { });
        agents.add(agent);

        await().atMost(Duration.ofSeconds(30)).until(() -> controller.fleet().snapshot("box-tls-1")
                .map(s -> s.presence() == Presence.ONLINE && s.status() != null).orElse(false));
        // The speed test goes to the controller over HTTPS with the CA pinned at enrollment.
        controller.commands().send("box-tls-1", CommandTypes.SELFTEST, null, Duration.ofSeconds(40)).get();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StatusMessage s = controller.fleet().snapshot("box-tls-1").map(BoxSnapshot::status).orElseThrow();
            assertTrue(s.network().uplinkKbps() != null && s.network().uplinkKbps() > 0, "uplink " + s.network());
        });

        // A second box was enrolled the same way, but its caFile is another CA (a box moved between
        // districts, or a machine in between): it refuses the server, says why once, and keeps trying.
        JsonNode second = post("/api/v1/classrooms/hexi-g3/enrollment-codes", "{}");
        Path box2 = Files.createDirectories(dir.resolve("box2"));
        Path yaml2 = box2.resolve("agent.yaml");
        Files.writeString(yaml2, "probes: {mode: simulated}\nstatusIntervalS: 2\nprobeIntervalS: 1\ndataDir: data\n");
        assertEquals(0, new picocli.CommandLine(new EnrollCommand()).execute("--controller", second.path("controllerUrl").asText(),
                "--code", second.path("code").asText(), "--ca-fingerprint", second.path("caFingerprint").asText(),
                "--box-id", "box-tls-2", "--config", yaml2.toString()));
        TlsIdentity otherCa = TlsIdentity.loadOrCreate(dir.resolve("other-ca"), List.of("elsewhere"), Clock.systemUTC());
        Files.writeString(box2.resolve("controller-ca.pem"), otherCa.caPem());
        Agent wary = Agent.start(ConfigLoader.load(yaml2), c -> { });
        agents.add(wary);

        await().atMost(Duration.ofSeconds(20)).until(() -> refusals("box-tls-2").size() >= 2);
        List<ILoggingEvent> refused = refusals("box-tls-2");
        assertTrue(refused.get(0).getFormattedMessage().contains(
                "TLS: the controller's TLS certificate is not signed by the trusted CA"), refused.get(0).getFormattedMessage());
        assertTrue(refused.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack trace");
        assertEquals(1, refused.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).count(),
                "the first refusal is a warning, the retries are quieter");
        assertFalse(wary.connected());
        assertTrue(controller.fleet().snapshot("box-tls-2").map(s -> s.presence() != Presence.ONLINE).orElse(true));

        // Revoking the first box cuts it off at once.
        HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(api("/api/v1/boxes/box-tls-1"))
                        .header("Authorization", bearer).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, revoked.statusCode(), revoked.body());
        await().atMost(Duration.ofSeconds(10)).until(() -> !agent.connected());
    }

    private List<ILoggingEvent> refusals(String boxId) {
        return reporterLog.list.stream().filter(e -> e.getFormattedMessage().startsWith(boxId + ": ")
                && e.getFormattedMessage().contains("connect")).toList();
    }

    private URI api(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api(path)).header("Authorization", bearer)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }
}
