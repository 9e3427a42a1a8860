package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.cli.SyncReadyCli;

/**
 * The per-box self-test a technician runs on site, end to end: {@code POST /api/v1/boxes/{id}/selftest}
 * and {@code syncready selftest BOX} against a real agent (simulated probes, faults switched on through
 * the simulate endpoint), answering every check with its values and errors.
 */
class SelftestEndToEndTest {
    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Controller controller;
    private Agent agent;
    private String token;

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.stop();
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void aBoxSelftestAnswersEveryCheckWithValuesAndTheCliShowsThem() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().allowSimulation(true).build());
        post("/api/v1/schools", "{\"id\":\"hexi\",\"nameZh\":\"河西镇中心小学\",\"nameEn\":\"Hexi Central Primary\"}");
        post("/api/v1/classrooms", "{\"id\":\"hexi-g5\",\"schoolId\":\"hexi\",\"nameZh\":\"五年级1班\",\"nameEn\":\"Grade 5 Class 1\"}");
        String password = json.readTree(post("/api/v1/boxes", "{\"id\":\"box-hexi-g5\",\"classroomId\":\"hexi-g5\","
                + "\"model\":\"generic-recorder-a\"}").body()).path("mqtt").path("password").asText();
        agent = Agent.start(AgentConfig.builder("box-hexi-g5", controller.brokerUri(), password).statusIntervalS(600)
                .probeIntervalS(600).keepAliveS(5).target("stream", "127.0.0.1", 1935).dataDir(data.resolve("agent")).build(), code -> { });
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/boxes/box-hexi-g5").path("presence").asText().equals("online"));
        String url = "http://127.0.0.1:" + controller.httpPort();
        token();

        HttpResponse<String> healthy = post("/api/v1/boxes/box-hexi-g5/selftest", "");
        assertEquals(200, healthy.statusCode(), healthy.body());
        JsonNode report = json.readTree(healthy.body());
        assertTrue(report.path("passed").asBoolean(), report.toString());
        assertEquals("hexi", report.path("schoolId").asText());
        assertEquals("hexi-g5", report.path("classroomId").asText());
        JsonNode teacher = check(report, "camera", "cam-teacher");
        assertTrue(teacher.path("passed").asBoolean());
        assertTrue(teacher.path("width").asInt() > 0 && teacher.path("fps").asDouble() > 0, teacher.toString());
        assertTrue(check(report, "microphone", "mic-room").has("levelDbfs"));
        JsonNode stream = check(report, "stream", "stream");
        assertTrue(stream.path("pushing").asBoolean(), stream.toString());
        assertTrue(stream.path("bitrateKbps").asInt() > 0, stream.toString());
        Run ok = cli("selftest", "--url", url, "--token", token, "box-hexi-g5");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("box-hexi-g5  PASSED"), ok.out());

        assertEquals(200, post("/api/v1/boxes/box-hexi-g5/simulate",
                "{\"cameras\":{\"cam-student\":\"frozen\"},\"microphones\":{\"mic-room\":\"silent\"},\"stream\":\"unreachable\"}").statusCode());
        HttpResponse<String> broken = post("/api/v1/boxes/box-hexi-g5/selftest", "{}");
        assertEquals(200, broken.statusCode(), broken.body());
        report = json.readTree(broken.body());
        assertFalse(report.path("passed").asBoolean(), report.toString());
        JsonNode student = check(report, "camera", "cam-student");
        assertFalse(student.path("passed").asBoolean());
        assertTrue(student.path("frozen").asBoolean(), student.toString());
        JsonNode mic = check(report, "microphone", "mic-room");
        assertEquals("fault", mic.path("state").asText());
        assertTrue(mic.path("levelDbfs").asDouble() < -60, mic.toString());
        JsonNode push = check(report, "stream", "stream");
        assertFalse(push.path("pushing").asBoolean());
        assertTrue(push.path("error").asText().contains("not reachable"), push.toString());
        assertTrue(report.path("failed").toString().contains("cam-student"), report.toString());

        Run failed = cli("selftest", "--url", url, "--token", token, "box-hexi-g5");
        assertEquals(5, failed.code(), failed.out() + failed.err());
        long failedChecks = java.util.stream.StreamSupport.stream(report.path("checks").spliterator(), false)
                .filter(c -> !c.path("passed").asBoolean()).count();
        assertTrue(failedChecks >= 3, report.toString());
        assertTrue(failed.out().startsWith("box-hexi-g5  FAILED  (" + failedChecks + " of " + report.path("checks").size()
                + " checks failed"), failed.out());
        assertTrue(failed.out().contains("FAIL") && failed.out().contains("frozen=true") && failed.out().contains("levelDbfs="),
                failed.out());
        assertTrue(get("/api/v1/audit?action=box.selftest").toString().contains("failed: "), "each self-test is audited");

        Run unknown = cli("selftest", "--url", url, "--token", token, "box-nope");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("no box 'box-nope'"), unknown.err());
    }

    private static JsonNode check(JsonNode report, String type, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("type").asText().equals(type) && c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no " + type + " " + id + " in " + report);
    }

    record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SyncReadyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** An API token of the controller's first admin (created once). */
    private String token() {
        if (token == null) {
            token = controller.accounts().createToken("admin", "integration test", null, "admin").secret();
        }
        return token;
    }

    private JsonNode get(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token()).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }
}
