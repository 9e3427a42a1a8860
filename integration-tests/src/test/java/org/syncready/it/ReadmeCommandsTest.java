package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;

/**
 * Every {@code curl} and {@code syncready} command of the README, in the README's order, run as a
 * reader runs them (bash, the real curl, {@code controller/bin/syncready} on the built controller jar)
 * against a demo controller: a command that fails, or an id that collides with the demo's, fails here.
 * The only changes made to a command: the controller's port (the test's is free, not 8080), the
 * rollout id placeholder {@code r-...} (the id the previous command printed), the token placeholder
 * {@code srt_...} (a token of the demo's admin), and curl's {@code -w} to read the HTTP status, which
 * must be 2xx unless the README's comment names another ({@code # 404: another school}). Variables the
 * README exports stay for the commands after it, as in the reader's shell. The box the README
 * registers is run by an agent in the test, as step 2 of "Run a real agent" says. Commands of the
 * installed Debian package ({@code sudo}) are left to ControllerDebPackageTest.
 */
class ReadmeCommandsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern INLINE = Pattern.compile("`((?:curl|controller/bin/syncready) [^`]+)`");
    private static final Pattern ROLLOUT_ID = Pattern.compile("rollout (r-[a-z0-9-]+)");
    /** The commands are a guide for people; fewer than this means the extraction broke, not the README got shorter. */
    private static final int AT_LEAST = 15;

    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Controller controller;
    private Agent agent;

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.stop();
        }
        if (controller != null) {
            controller.close();
        }
    }

    /** A command of the README, the line it is on, and its trailing comment (empty if none). */
    record Command(int line, String text, String comment) {
        Command(int line, String text) {
            this(line, text, "");
        }

        /** The HTTP status the comment says to expect ("# 404: another school"), else 0 (any 2xx). */
        int expectedStatus() {
            Matcher m = Pattern.compile("^#\\s*(\\d{3})\\b").matcher(comment);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
    }

    /** Commands in ```sh blocks (continuation lines joined, trailing comments cut) and inline code, in file order. */
    static List<Command> commands(List<String> lines) {
        List<Command> out = new ArrayList<>();
        boolean shell = false;
        boolean fenced = false;
        StringBuilder pending = null;
        int pendingLine = 0;
        String pendingComment = "";
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String t = raw.strip();
            if (t.startsWith("```")) {
                fenced = !fenced;
                shell = fenced && (t.equals("```sh") || t.equals("```bash"));
                continue;
            }
            if (fenced && shell) {
                Matcher c = Pattern.compile("\\s{2,}(#.*)$").matcher(t);
                String comment = c.find() ? c.group(1) : "";
                String line = t.replaceFirst("\\s{2,}#.*$", "");
                if (pending != null) {
                    pending.append(' ').append(line.replaceFirst("\\\\$", "").strip());
                } else if (line.startsWith("curl ") || line.startsWith("controller/bin/syncready ") || line.startsWith("syncready ")
                        || line.startsWith("export ")) {
                    pending = new StringBuilder(line.replaceFirst("\\\\$", "").strip());
                    pendingLine = i + 1;
                    pendingComment = comment;
                }
                if (pending != null && !line.endsWith("\\")) {
                    out.add(new Command(pendingLine, pending.toString(), pendingComment));
                    pending = null;
                }
            } else if (!fenced) {
                Matcher m = INLINE.matcher(raw);
                while (m.find()) {
                    // A command names the controller's address; "`curl -u`" in a sentence only names an option.
                    if (m.group(1).contains(":8080")) {
                        out.add(new Command(i + 1, m.group(1)));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void extractionFindsBlocksContinuationsAndInlineCommands() {
        List<Command> found = commands(List.of("Try `curl -s localhost:8080/x` now, with `curl -u` for a password.", "```sh",
                "mvn -B -q package -DskipTests   # once", "controller/bin/syncready rollout start --profile p \\",
                "    --school s --dry-run", "syncready --help                # the CLI", "```", "```json", "curl -s not-a-command", "```"));
        assertEquals(List.of(new Command(1, "curl -s localhost:8080/x"),
                new Command(4, "controller/bin/syncready rollout start --profile p --school s --dry-run"),
                new Command(6, "syncready --help", "# the CLI")), found);
        assertEquals(404, commands(List.of("```sh", "curl -s -u a:b localhost:8080/x   # 404: another school", "```")).get(0)
                .expectedStatus());
    }

    @Test
    void everyReadmeCommandWorksAgainstTheDemo() throws Exception {
        Path jar = ROOT.resolve("controller/target/syncready-controller.jar");
        Path agentJar = ROOT.resolve("agent/target/syncready-agent.jar");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(agentJar)) {
            fail("the README's commands run the built jars; build them first (mvn -B -q package -DskipTests): missing "
                    + (Files.isRegularFile(jar) ? agentJar : jar));
        }
        List<Command> commands = commands(Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
        assertTrue(commands.size() >= AT_LEAST, "only " + commands.size() + " commands found in README.md: " + commands);

        controller = Controller.start(ControllerConfig.builder(data).freePorts().demo(true).demoAgentJar(agentJar).build());
        int port = controller.httpPort();
        // "Within a few seconds": every demo box online and the demo's own first rollouts done.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                StreamSupport.stream(get("/api/v1/boxes").spliterator(), false).filter(b -> b.path("presence").asText().equals("online")).count() == 12
                        && StreamSupport.stream(get("/api/v1/rollouts").spliterator(), false).allMatch(r -> r.path("state").asText().equals("completed")));

        // What the reader's shell keeps between commands: the variables the README exports.
        Map<String, String> env = new HashMap<>();
        env.put("SYNCREADY_URL", "http://127.0.0.1:" + port);
        env.put("SYNCREADY_JAR", jar.toString());
        String rolloutId = null;
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Command c : commands) {
            String cmd = c.text().replace("localhost:8080", "127.0.0.1:" + port).replace("127.0.0.1:8080", "127.0.0.1:" + port);
            String where = "README.md line " + c.line() + ": " + c.text();
            if (cmd.contains("sudo ")) {
                // Commands of the installed Debian package (its admin-password file): ControllerDebPackageTest's part.
                skipped.add(where);
                continue;
            }
            if (cmd.startsWith("export ")) {
                Matcher m = EXPORT.matcher(cmd);
                assertTrue(m.matches(), where);
                // "srt_..." stands for a token the reader creates: the test makes one for demo-admin.
                String line = cmd.replace("srt_...", adminToken());
                Result r = run(List.of("bash", "-c", line + "; printf '%s' \"$" + m.group(1) + "\""), env);
                assertEquals(0, r.exit(), where + "\n" + r.output());
                assertTrue(!r.output().isBlank() && !r.output().contains("{"), where + ": " + m.group(1) + "=" + r.output());
                env.put(m.group(1), r.output().strip());
            } else if (cmd.startsWith("curl ")) {
                Result r = runCurl(cmd, where, env, c.expectedStatus());
                if (cmd.contains("/api/v1/boxes/box-dongshan-g5") && !cmd.contains("-XPOST")) {
                    // Step 3: the box shows online once its agent has connected.
                    r = await().atMost(Duration.ofSeconds(30)).until(() -> runCurl(cmd, where, env, 0),
                            x -> x.output().contains("\"presence\":\"online\""));
                    assertTrue(r.output().contains("box-dongshan-g5"), where);
                }
                if (cmd.contains("/api/v1/boxes -d") && cmd.contains("box-dongshan-g5")) {
                    startAgent(json.readTree(r.output()).path("mqtt").path("password").asText(), where);
                }
            } else {
                String args = cmd.replaceFirst("^(controller/bin/)?syncready", "");
                if (args.contains("r-...")) {
                    assertTrue(rolloutId != null, where + ": no rollout id printed before");
                    args = args.replace("r-...", rolloutId);
                }
                Result r = run(List.of("bash", "-c", ROOT.resolve("controller/bin/syncready") + args), env);
                Set<Integer> ok = args.contains("rollout status") ? Set.of(0, 3) : args.contains(" selftest ") ? Set.of(0, 5) : Set.of(0);
                assertTrue(ok.contains(r.exit()), where + "\nexit " + r.exit() + "\n" + r.output());
                Matcher m = ROLLOUT_ID.matcher(r.output());
                if (args.contains("rollout start") && !args.contains("--dry-run") && m.find()) {
                    rolloutId = m.group(1);
                }
            }
            ran.add(c.text());
        }
        assertEquals(commands.size(), ran.size() + skipped.size());
        assertTrue(skipped.size() <= 2, "only the packaged controller's admin-password commands are skipped: " + skipped);
    }

    private static final Pattern EXPORT = Pattern.compile("export ([A-Z_][A-Z0-9_]*)=.*");

    record Result(int exit, String output) {
    }

    private Result runCurl(String cmd, String where, Map<String, String> env, int expected) {
        Result r = run(List.of("bash", "-c", cmd + " --max-time 60 -w '\\n%{http_code}'"), env);
        assertEquals(0, r.exit(), where + "\n" + r.output());
        String out = r.output().stripTrailing();
        int nl = out.lastIndexOf('\n');
        int status = Integer.parseInt(out.substring(nl + 1).strip());
        if (expected != 0) {
            assertEquals(expected, status, where + " (the README says " + expected + "): " + out);
        } else {
            assertTrue(status >= 200 && status < 300, where + "\nHTTP " + status + ": " + out);
        }
        return new Result(status, nl < 0 ? "" : out.substring(0, nl));
    }

    private void startAgent(String password, String where) {
        assertTrue(!password.isEmpty(), where + ": the answer has no mqtt.password");
        agent = Agent.start(AgentConfig.builder("box-dongshan-g5", controller.brokerUri(), password).keepAliveS(5)
                .dataDir(data.resolve("agent-dongshan")).build(), code -> { });
    }

    private String adminToken;

    /** A token of the demo's admin, created through the API as a reader would. */
    private String adminToken() throws Exception {
        if (adminToken == null) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + "/api/v1/tokens"))
                    .header("Authorization", DEMO_ADMIN).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"readme test\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            adminToken = json.readTree(r.body()).path("secret").asText();
        }
        return adminToken;
    }

    /** HTTP Basic of the demo's admin account (README "Demo accounts"). */
    private static final String DEMO_ADMIN = "Basic " + java.util.Base64.getEncoder()
            .encodeToString("demo-admin:demo-admin-pass".getBytes(StandardCharsets.UTF_8));

    private static Result run(List<String> command, Map<String, String> env) {
        try {
            // No terminal and no input: a command that would ask for something fails instead of waiting.
            Path output = Files.createTempFile("readme-command", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(output.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail(command + " did not finish within 120 s: " + Files.readString(output));
                }
                return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + path))
                .header("Authorization", DEMO_ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
