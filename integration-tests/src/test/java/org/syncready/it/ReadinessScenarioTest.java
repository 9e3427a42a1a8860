package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.TestClock;

/**
 * The reason SyncReady exists, end to end: an 08:00 session with one lead and three remote classrooms,
 * real agents (simulated probes) over the embedded broker, and a schedule clock the test moves.
 */
class ReadinessScenarioTest {
    private static final Instant SEVEN = Instant.parse("2026-09-06T23:00:00Z"); // Monday 07:00 in Shanghai

    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final TestClock clock = new TestClock(SEVEN);
    private final List<Agent> agents = new ArrayList<>();
    private SilentBox silent;
    private Controller controller;

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(Agent::stop);
        if (silent != null) {
            silent.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void aMorningFromT30ToClass() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().clock(clock)
                .readinessRules(rulesWithSelftestTimeout(3)).build());
        post("/api/v1/schools", "{\"id\":\"county-1\",\"nameZh\":\"县一小\",\"nameEn\":\"County No.1\"}");
        post("/api/v1/schools", "{\"id\":\"hexi\",\"nameZh\":\"河西小学\",\"nameEn\":\"Hexi\"}");
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String room : List.of("lead", "r1", "r2", "r3")) {
            String school = room.equals("lead") ? "county-1" : "hexi";
            post("/api/v1/classrooms", "{\"id\":\"room-" + room + "\",\"schoolId\":\"" + school + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
            passwords.put(room, post("/api/v1/boxes", "{\"id\":\"box-" + room + "\",\"classroomId\":\"room-" + room
                    + "\",\"model\":\"generic-recorder-a\"}").path("mqtt").path("password").asText());
        }
        String sessionId = post("/api/v1/sessions", "{\"leadClassroomId\":\"room-lead\",\"remoteClassroomIds\":[\"room-r1\","
                + "\"room-r2\",\"room-r3\"],\"subject\":\"数学\",\"teacher\":\"王老师\",\"kind\":\"live\","
                + "\"start\":\"2026-09-07T08:00\",\"end\":\"2026-09-07T08:45\"}").path("id").asText();

        for (String room : List.of("lead", "r1", "r2")) {
            agents.add(Agent.start(AgentConfig.builder("box-" + room, controller.brokerUri(), passwords.get(room))
                    .keepAliveS(5).statusIntervalS(2).probeIntervalS(1).dataDir(data.resolve("agent-" + room)).build(), code -> { }));
        }
        silent = new SilentBox(controller.brokerUri(), "box-r3", passwords.get("r3"));
        await().atMost(Duration.ofSeconds(20)).until(() -> StreamSupport.stream(get("/api/v1/boxes").spliterator(), false)
                .filter(b -> b.path("presence").asText().equals("online")).count() == 4);

        // 07:30: every box self-tests; the silent one does not answer and is judged on its last status.
        clock.set(SEVEN.plus(Duration.ofMinutes(30)));
        JsonNode t30 = awaitCheck(sessionId, "T-30");
        assertEquals("READY", t30.path("verdict").asText(), t30.toString());
        JsonNode r3 = classroom(t30, "room-r3");
        assertEquals("NO_ANSWER", r3.path("selftest").asText());
        assertEquals("SELFTEST_NO_ANSWER", r3.path("reasons").get(0).path("code").asText());
        assertEquals("PASSED", classroom(t30, "room-r1").path("selftest").asText());

        // 07:40: the remote microphone in room 2 goes silent.
        clock.set(SEVEN.plus(Duration.ofMinutes(40)));
        agents.get(2).faults().orElseThrow().microphoneSilent("mic-room");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                get("/api/v1/boxes/box-r2").path("summary").path("problems").toString().contains("mic-room"));

        clock.set(SEVEN.plus(Duration.ofMinutes(55)));
        JsonNode t5 = awaitCheck(sessionId, "T-5");
        assertEquals("AT_RISK", t5.path("verdict").asText());
        JsonNode r2 = classroom(t5, "room-r2");
        assertEquals("NOT_READY", r2.path("verdict").asText());
        assertEquals("MIC_SILENT", r2.path("reasons").get(0).path("code").asText());
        assertTrue(r2.path("reasons").get(0).path("zh").asText().startsWith("教室麦克风 mic-room：无声"), r2.toString());

        // The lead box crashes: its Will marks it offline, and the session cannot happen.
        agents.get(0).halt();
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/api/v1/boxes/box-lead").path("presence").asText().equals("offline"));
        JsonNode onDemand = post("/api/v1/sessions/" + sessionId + "/check", "").path("readiness");
        assertEquals("NOT_READY", onDemand.path("verdict").asText());
        assertEquals("BOX_OFFLINE", classroom(onDemand, "room-lead").path("reasons").get(0).path("code").asText());

        // In class: what is still wrong becomes incidents of this session.
        clock.set(SEVEN.plus(Duration.ofMinutes(61)));
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/sessions/" + sessionId + "/readiness").path("incidents").size() == 2);
        JsonNode incidents = get("/api/v1/sessions/" + sessionId + "/readiness").path("incidents");
        List<String> codes = StreamSupport.stream(incidents.spliterator(), false).map(i -> i.path("code").asText()).sorted().toList();
        assertEquals(List.of("BOX_OFFLINE", "MIC_SILENT"), codes);
    }

    private JsonNode awaitCheck(String sessionId, String trigger) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> get("/api/v1/sessions/" + sessionId + "/readiness").path("lastCheck"),
                r -> r.path("trigger").asText().equals(trigger));
    }

    private static JsonNode classroom(JsonNode readiness, String id) {
        return StreamSupport.stream(readiness.path("classrooms").spliterator(), false)
                .filter(c -> c.path("classroomId").asText().equals(id)).findFirst().orElseThrow();
    }

    private Path rulesWithSelftestTimeout(int seconds) throws Exception {
        try (InputStream in = Controller.class.getResourceAsStream("/org/syncready/controller/readiness/readiness-rules.yaml")) {
            String rules = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("selftestTimeoutS: 20", "selftestTimeoutS: " + seconds);
            return Files.writeString(data.resolve("rules.yaml"), rules);
        }
    }

    private Controller tokenOf;
    private String token;

    /** An API token of the first admin of the running controller (created once per controller start). */
    private String bearer() {
        if (tokenOf != controller) {
            token = controller.accounts().createToken("admin", "integration test", null, "admin").secret();
            tokenOf = controller;
        }
        return "Bearer " + token;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).GET().build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }
}
