package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.AgentConfigBuilder;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.protocol.FaultSet;

/**
 * The fault control interface end to end: a controller started with {@code --allow-simulation}, real
 * agents (simulated probes, and one with real probes) over the embedded broker, faults switched with
 * {@code POST /api/v1/boxes/{id}/simulate} and seen in {@code GET /api/v1/boxes/{id}}.
 */
class SimulationEndToEndTest {
    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Agent> agents = new ArrayList<>();
    private Controller controller;

    @AfterEach
    void tearDown() {
        agents.forEach(Agent::stop);
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void postSimulateChangesWhatTheControllerSeesOfTheBox() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().allowSimulation(true).build());
        String password = register("room-lead", "box-lead");
        // Long intervals: what changes the box's status is the command, not a periodic report.
        Agent lead = start(AgentConfig.builder("box-lead", controller.brokerUri(), password).statusIntervalS(600)
                .probeIntervalS(600).target("stream", "127.0.0.1", 1935));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/boxes/box-lead").path("status").has("network"));
        JsonNode healthy = get("/api/v1/boxes/box-lead").path("status");
        assertTrue(healthy.path("network").path("uplinkKbps").asInt() > 15_000, healthy.toString());

        HttpResponse<String> r = post("/api/v1/boxes/box-lead/simulate", """
                {"cameras": {"cam-teacher": "frozen", "cam-student": "absent"}, "microphones": {"mic-room": "silent"},
                 "uplinkKbps": 200, "rttMs": 320, "lossPct": 12, "clockOffsetMs": 3000, "diskFreeMb": 49, "stream": "unreachable"}
                """);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = json.readTree(r.body());
        assertEquals("box-lead", answer.path("boxId").asText());
        assertEquals("frozen", answer.path("faults").path("cameras").path("cam-teacher").asText());
        assertEquals(9, answer.path("active").size(), answer.toString());

        // The status the faults lead to was published before the answer: the controller shows it at once.
        JsonNode box = await().atMost(Duration.ofSeconds(5)).until(() -> get("/api/v1/boxes/box-lead"),
                b -> b.path("status").path("network").path("uplinkKbps").asInt() == 200);
        JsonNode status = box.path("status");
        JsonNode teacher = device(status.path("cameras"), "cam-teacher");
        assertEquals("fault", teacher.path("state").asText());
        assertTrue(teacher.path("frozen").asBoolean());
        assertEquals("absent", device(status.path("cameras"), "cam-student").path("state").asText());
        assertEquals("fault", device(status.path("microphones"), "mic-room").path("state").asText());
        assertEquals(320.0, status.path("network").path("rttMs").asDouble());
        assertEquals(12.0, status.path("network").path("lossPct").asDouble());
        assertTrue(status.path("network").path("ntpOffsetMs").asDouble() > 2_900, status.path("network").toString());
        assertFalse(device(status.path("network").path("targets"), "stream").path("reachable").asBoolean());
        assertEquals(49, status.path("system").path("diskFreeMb").asInt());
        assertFalse(status.path("stream").path("pushing").asBoolean());
        assertTrue(status.path("ts").asLong() - System.currentTimeMillis() > 2_000, "the box clock runs 3 s ahead");
        assertTrue(box.path("summary").path("problems").toString().contains("cam-teacher"), box.path("summary").toString());
        assertEquals(FaultSet.CameraFault.FROZEN, lead.faults().orElseThrow().current().cameras().get("cam-teacher"));

        // A patch: clear one fault, keep the others.
        r = post("/api/v1/boxes/box-lead/simulate", "{\"uplinkKbps\": null}");
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(json.readTree(r.body()).path("faults").has("uplinkKbps"));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                get("/api/v1/boxes/box-lead").path("status").path("network").path("uplinkKbps").asInt() > 15_000);
        assertEquals(320.0, get("/api/v1/boxes/box-lead").path("status").path("network").path("rttMs").asDouble());

        r = post("/api/v1/boxes/box-lead/simulate", "{\"reset\": true}");
        assertEquals("{}", json.readTree(r.body()).path("faults").toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> StreamSupport.stream(
                get("/api/v1/boxes/box-lead").path("status").path("cameras").spliterator(), false)
                .allMatch(c -> c.path("state").asText().equals("ok")));
    }

    @Test
    void refusalsRealProbesABoxWithoutTheDeviceAndABadBody() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().allowSimulation(true).build());
        String simPassword = register("room-sim", "box-sim");
        String realPassword = register("room-real", "box-real");
        start(AgentConfig.builder("box-sim", controller.brokerUri(), simPassword));
        start(AgentConfig.builder("box-real", controller.brokerUri(), realPassword).probeMode(AgentConfig.ProbeMode.REAL));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/boxes/box-real").path("presence").asText().equals("online")
                && get("/api/v1/boxes/box-sim").path("presence").asText().equals("online"));

        HttpResponse<String> real = post("/api/v1/boxes/box-real/simulate", "{\"rttMs\": 250}");
        assertEquals(422, real.statusCode(), real.body());
        assertTrue(json.readTree(real.body()).path("message").asText().contains("this box runs real probes"), real.body());

        HttpResponse<String> noSuchCamera = post("/api/v1/boxes/box-sim/simulate", "{\"cameras\": {\"cam-wide\": \"black\"}}");
        assertEquals(422, noSuchCamera.statusCode(), noSuchCamera.body());
        assertTrue(noSuchCamera.body().contains("this box has no camera 'cam-wide'"), noSuchCamera.body());

        HttpResponse<String> typo = post("/api/v1/boxes/box-sim/simulate", "{\"uplink\": 200}");
        assertEquals(400, typo.statusCode(), typo.body());
        assertEquals("/uplink", json.readTree(typo.body()).path("problems").get(0).path("field").asText());
    }

    private Agent start(AgentConfigBuilder b) {
        Agent a = Agent.start(b.keepAliveS(5).dataDir(data.resolve("agent-" + agents.size())).build(), code -> { });
        agents.add(a);
        return a;
    }

    private String register(String classroom, String boxId) throws Exception {
        post("/api/v1/schools", "{\"id\":\"county-1\",\"nameZh\":\"县一小\",\"nameEn\":\"County No.1\"}");
        post("/api/v1/classrooms", "{\"id\":\"" + classroom + "\",\"schoolId\":\"county-1\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
        return json.readTree(post("/api/v1/boxes", "{\"id\":\"" + boxId + "\",\"classroomId\":\"" + classroom
                + "\",\"model\":\"generic-recorder-a\"}").body()).path("mqtt").path("password").asText();
    }

    private static JsonNode device(JsonNode list, String id) {
        for (JsonNode d : list) {
            if (d.path("id").asText().equals(id) || d.path("name").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
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
        return json.readTree(http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }
}
