package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;

/**
 * The whole slice over real loopback MQTT and HTTP: a controller with its embedded broker and SQLite
 * file, and three separate agents (each its own Paho client) with simulated probes.
 */
class EndToEndTest {
    private static final int KEEPALIVE_S = 5;

    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Agent> agents = new ArrayList<>();
    private Controller controller;
    private CuttableTcpProxy proxy;

    @AfterEach
    void tearDown() throws IOException {
        agents.forEach(Agent::stop);
        if (proxy != null) {
            proxy.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void agentsReportThroughTheControllerAndSurviveItsRestart() throws Exception {
        int mqttPort = freePort();
        controller = Controller.start(ControllerConfig.builder(data).freePorts().mqttPort(mqttPort).build());
        String[] boxes = {"box-lead-1", "box-remote-1", "box-remote-2"};
        List<String> passwords = new ArrayList<>();
        post("/api/v1/schools", "{\"id\":\"lead\",\"nameZh\":\"县一小\",\"nameEn\":\"County No.1\"}");
        post("/api/v1/schools", "{\"id\":\"remote\",\"nameZh\":\"河西小学\",\"nameEn\":\"Hexi\"}");
        for (String box : boxes) {
            String school = box.contains("lead") ? "lead" : "remote";
            post("/api/v1/classrooms", "{\"id\":\"room-" + box + "\",\"schoolId\":\"" + school + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
            JsonNode reg = post("/api/v1/boxes", "{\"id\":\"" + box + "\",\"classroomId\":\"room-" + box + "\",\"model\":\"generic-recorder-a\"}");
            passwords.add(reg.path("mqtt").path("password").asText());
        }
        // The third box reaches the broker through a relay we can cut like an uplink.
        proxy = new CuttableTcpProxy(mqttPort);
        for (int i = 0; i < boxes.length; i++) {
            int port = i == 2 ? proxy.port() : mqttPort;
            agents.add(Agent.start(AgentConfig.builder(boxes[i], "tcp://127.0.0.1:" + port, passwords.get(i))
                    .keepAliveS(KEEPALIVE_S).statusIntervalS(2).probeIntervalS(1).dataDir(data.resolve("agent-" + i)).build(),
                    code -> { }));
        }

        // All three online, with every part of the status filled in.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String box : boxes) {
                JsonNode b = get("/api/v1/boxes/" + box);
                assertEquals("online", b.path("presence").asText(), box);
                JsonNode status = b.path("status");
                assertTrue(status.path("cameras").size() > 0, box + " cameras");
                assertTrue(status.path("cameras").get(0).has("fps"), box + " camera fps");
                assertTrue(status.path("microphones").get(0).has("levelDbfs"), box + " microphone level");
                assertTrue(status.path("network").has("link") && status.path("network").has("rttMs"), box + " network");
                assertTrue(status.path("system").has("cpuPct") && status.path("system").has("memPct"), box + " system");
                assertTrue(b.path("birth").has("agentVersion"), box + " birth");
            }
        });
        assertEquals(3, get("/api/v1/boxes?state=online").size());

        // A camera fault is visible through the API within 2 s.
        agents.get(1).faults().orElseThrow().cameraFault("cam-teacher", "no frames for 40 s");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode cam = camera(get("/api/v1/boxes/box-remote-1"), "cam-teacher");
            assertEquals("fault", cam.path("state").asText());
            assertEquals("no frames for 40 s", cam.path("error").asText());
        });

        // The uplink of the third box goes silent (no FIN, no DISCONNECT): offline within 1.5 x keepalive.
        proxy.blackhole();
        long cut = System.nanoTime();
        await().atMost(Duration.ofMillis(1500L * KEEPALIVE_S + 500)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/api/v1/boxes/box-remote-2").path("presence").asText().equals("offline"));
        long detectedMs = (System.nanoTime() - cut) / 1_000_000;
        assertTrue(detectedMs <= 1500L * KEEPALIVE_S + 500, "offline after " + detectedMs + " ms");
        JsonNode events = get("/api/v1/boxes/box-remote-2/events");
        await().atMost(Duration.ofSeconds(3)).until(() -> get("/api/v1/boxes/box-remote-2/events").path("items").toString().contains("offline"));

        int historyBefore = get("/api/v1/boxes/box-lead-1/history").path("items").size();
        assertTrue(historyBefore >= 2, "history before restart: " + historyBefore);
        assertFalse(events.isMissingNode());

        // Restart the controller on the same data folder and broker port.
        controller.close();
        controller = Controller.start(ControllerConfig.builder(data).freePorts().mqttPort(mqttPort).build());
        JsonNode fleet = get("/api/v1/boxes");
        assertEquals(3, fleet.size(), "registry survives a restart");
        assertTrue(get("/api/v1/boxes/box-lead-1/history").path("items").size() >= historyBefore, "history survives a restart");
        // The agents reconnect on their own and report again; the camera fault is still there.
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            assertEquals("online", get("/api/v1/boxes/box-lead-1").path("presence").asText());
            assertEquals("fault", camera(get("/api/v1/boxes/box-remote-1"), "cam-teacher").path("state").asText());
        });
    }

    private static JsonNode camera(JsonNode box, String id) {
        for (JsonNode c : box.path("status").path("cameras")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        return MissingNode.getInstance();
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

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).GET().build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
