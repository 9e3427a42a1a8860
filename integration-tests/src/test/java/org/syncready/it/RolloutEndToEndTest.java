package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.AgentConfigBuilder;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.TestClock;
import org.syncready.controller.rollout.RolloutTicks;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.ConfigSigning;

/**
 * Rollouts end to end: the controller with its embedded broker, real agents (simulated devices with the
 * hardware of generic-recorder-b/classroom-1080p), signed documents, health checks and rollbacks.
 */
class RolloutEndToEndTest {
    private static final String MODEL = "generic-recorder-b";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final Map<String, AgentConfig> configs = new LinkedHashMap<>();
    private final TestClock clock = new TestClock(Instant.parse("2026-03-02T06:00:00Z"));
    private final Map<String, Instant> inClassUntil = new ConcurrentHashMap<>();
    private Controller controller;
    private List<String> keys;

    @AfterEach
    void tearDown() {
        agents.values().forEach(Agent::stop);
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void tenBoxesInThreeWavesAllApplyAndRunTheNewReportInterval() throws Exception {
        start(null);
        List<String> boxes = fleet("sch01", 10, null);
        JsonNode started = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-720p", "\"schools\":[\"sch01\"]",
                "\"waves\":[1,3,\"100%\"],\"failureThreshold\":1"), 201);
        String id = started.path("id").asText();
        assertEquals("[1,3,6]", started.path("waveSizes").toString());

        JsonNode done = awaitRollout(id, "completed");
        assertEquals(10, done.path("counts").path("applied").asInt(), done.toString());
        int[] expectedWave = {1, 2, 2, 2, 3, 3, 3, 3, 3, 3};
        for (int i = 0; i < 10; i++) {
            JsonNode b = done.path("boxes").get(i);
            assertEquals("applied", b.path("state").asText());
            assertEquals(expectedWave[i], b.path("wave").asInt(), b.toString());
            assertEquals(1, b.path("version").asInt());
        }
        for (String box : boxes) {
            // The agent runs the profile's 20 s report interval, and says so in its birth.
            assertEquals(20, agents.get(box).config().statusIntervalS(), box);
            assertEquals(1L, agents.get(box).configVersion(), box);
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode birth = get("/api/v1/boxes/" + box).path("birth");
                assertEquals(20, birth.path("statusIntervalS").asInt(), box);
                assertEquals(1, birth.path("configVersion").asInt(), box);
            });
        }
        JsonNode config = get("/api/v1/boxes/" + boxes.get(0) + "/config");
        assertEquals("applied", config.path("reported").path("result").asText());
        assertTrue(config.path("drift").isNull(), config.toString());
        JsonNode audit = get("/api/v1/audit");
        assertTrue(audit.toString().contains("rollout.start") && audit.toString().contains("rollout.complete"), audit.toString());
        JsonNode starts = get("/api/v1/audit?action=rollout.start");
        assertEquals("tester", starts.get(starts.size() - 1).path("actor").asText(), "the rollout.start entry names the actor");
        assertEquals("127.0.0.1", starts.get(starts.size() - 1).path("source").asText(), "... and where the request came from");
    }

    @Test
    void aCanaryFailingItsHealthCheckRollsBackAndPausesTheRolloutBeforeAnyOtherBox() throws Exception {
        start(null);
        // The canary's blackboard camera is missing: the profile's cam-blackboard cannot be found there.
        List<String> boxes = fleet("sch01", 5, "canary");
        String id = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-720p",
                "\"boxes\":" + json.writeValueAsString(boxes), "\"waves\":[1,\"100%\"],\"failureThreshold\":1"), 201).path("id").asText();

        JsonNode paused = awaitRollout(id, "paused");
        assertEquals("rolled_back", state(paused, boxes.get(0)));
        assertTrue(paused.path("boxes").get(0).path("error").asText().contains("camera cam-blackboard: not found"), paused.toString());
        assertTrue(paused.path("reason").asText().contains("failure threshold"), paused.toString());
        for (String other : boxes.subList(1, boxes.size())) {
            assertEquals("pending", state(paused, other));
            assertNull(agents.get(other).configVersion(), other + " got nothing");
            assertEquals(10, agents.get(other).config().statusIntervalS());
        }
        assertNull(agents.get(boxes.get(0)).configVersion(), "the canary is back on its previous configuration");
        assertEquals(10, agents.get(boxes.get(0)).config().statusIntervalS());
        RolloutTicks.tick(controller.rollouts()); // a paused rollout sends nothing more
        assertEquals("pending", state(get("/api/v1/rollouts/" + id), boxes.get(1)));

        JsonNode drift = get("/api/v1/boxes/" + boxes.get(0) + "/config").path("drift");
        assertEquals("rolled_back", drift.path("reportedResult").asText(), drift.toString());
        assertTrue(controller.rollouts().drift(boxes.get(0), clock.instant()).isPresent());

        // The technician looked: only the canary lacks that camera. Resuming goes on with the next wave.
        post("/api/v1/rollouts/" + id + "/resume", "{}", 200);
        JsonNode done = awaitRollout(id, "completed");
        assertEquals(4, done.path("counts").path("applied").asInt(), done.toString());
        assertEquals("rolled_back", state(done, boxes.get(0)));
        assertEquals(20, agents.get(boxes.get(4)).config().statusIntervalS());
    }

    @Test
    void aBadSignatureOrABodyTheBoxSchemaRefusesIsRejectedAndTheBoxKeepsItsConfig() throws Exception {
        // The controller's catalogue is newer than the box firmware: it allows 30 fps for the model, the box does not.
        Path catalogue = catalogueAllowing30Fps();
        start(catalogue);
        List<String> boxes = fleet("sch01", 2, null);
        String first = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-1080p", "\"schools\":[\"sch01\"]",
                "\"waves\":[\"100%\"]"), 201).path("id").asText();
        awaitRollout(first, "completed");

        // A box that pinned another key (a stale enrollment) refuses what this controller signs.
        String forged = "forged-1";
        register("sch01", forged);
        startAgent(forged, false, List.of(ConfigSigning.encodePublicKey(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic())));
        String bad = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-1080p", "\"boxes\":[\"" + forged + "\"]",
                "\"waves\":[\"100%\"]"), 201).path("id").asText();
        JsonNode rejected = awaitRollout(bad, "paused");
        assertEquals("rejected", state(rejected, forged));
        assertTrue(rejected.path("boxes").get(0).path("error").asText().startsWith("signature does not verify"), rejected.toString());
        assertNull(agents.get(forged).configVersion());
        post("/api/v1/rollouts/" + bad + "/abort", "{}", 200);

        String fps = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-30fps", "\"boxes\":[\"" + boxes.get(0) + "\"]",
                "\"waves\":[\"100%\"]"), 201).path("id").asText();
        JsonNode schema = awaitRollout(fps, "paused");
        String error = schema.path("boxes").get(0).path("error").asText();
        assertEquals("rejected", state(schema, boxes.get(0)));
        assertTrue(error.contains("generic-recorder-b.schema.json") && error.contains("/video/fps"), error);
        assertEquals(1L, agents.get(boxes.get(0)).configVersion(), "still running version 1");
        assertEquals(10, agents.get(boxes.get(0)).config().statusIntervalS());
    }

    @Test
    void aBoxOfflineDuringTheRolloutGetsItWhenItComesBack() throws Exception {
        start(null);
        List<String> boxes = fleet("sch01", 3, null);
        String offline = boxes.get(2);
        agents.remove(offline).halt();
        String id = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-720p", "\"schools\":[\"sch01\"]",
                "\"waves\":[\"100%\"],\"boxTimeoutS\":3600"), 201).path("id").asText();
        await().atMost(WAIT).untilAsserted(() -> assertEquals(2, get("/api/v1/rollouts/" + id).path("counts").path("applied").asInt()));
        JsonNode waiting = get("/api/v1/rollouts/" + id);
        assertEquals("sent", state(waiting, offline));
        assertEquals("running", waiting.path("state").asText());

        startAgent(offline, false, keys); // same data folder: the box comes back
        JsonNode done = awaitRollout(id, "completed");
        assertEquals("applied", state(done, offline));
        assertEquals(20, agents.get(offline).config().statusIntervalS());
    }

    @Test
    void aBoxInClassIsDeferredAndGetsTheConfigRightAfterTheSession() throws Exception {
        start(null, true);
        List<String> boxes = fleet("sch01", 3, null);
        String inClass = boxes.get(1);
        // A real sync session in the schedule, led from this box's classroom and started 5 minutes ago.
        post("/api/v1/classrooms", "{\"id\":\"room-remote\",\"schoolId\":\"sch01\",\"nameZh\":\"远端\",\"nameEn\":\"Remote\"}", 201);
        Instant sessionStart = clock.instant().minus(Duration.ofMinutes(5));
        Instant sessionEnd = sessionStart.plus(Duration.ofMinutes(45));
        post("/api/v1/sessions", "{\"leadClassroomId\":\"room-" + inClass + "\",\"remoteClassroomIds\":[\"room-remote\"],"
                + "\"subject\":\"数学\",\"start\":\"" + sessionStart + "\",\"end\":\"" + sessionEnd + "\"}", 201);
        String id = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-720p", "\"schools\":[\"sch01\"]",
                "\"waves\":[\"100%\"]"), 201).path("id").asText();

        await().atMost(WAIT).untilAsserted(() -> assertEquals(2, get("/api/v1/rollouts/" + id).path("counts").path("applied").asInt()));
        JsonNode during = get("/api/v1/rollouts/" + id);
        assertEquals("deferred", state(during, inClass));
        assertEquals(sessionEnd.toString(), during.path("boxes").get(1).path("deferredUntil").asText());
        assertNull(agents.get(inClass).configVersion(), "nothing reaches a box in class");

        clock.advance(Duration.ofMinutes(46));
        JsonNode done = awaitRollout(id, "completed");
        assertEquals("applied", state(done, inClass));
        assertEquals(1L, agents.get(inClass).configVersion());
    }

    @Test
    void aControllerRestoredFromAnOlderBackupNumbersAboveTheVersionTheBoxRunsInsteadOfWaitingForever() throws Exception {
        start(null);
        String box = fleet("sch01", 1, null).get(0);
        awaitRollout(post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-720p", "\"boxes\":[\"" + box + "\"]",
                "\"waves\":[\"100%\"]"), 201).path("id").asText(), "completed");
        assertEquals(1L, agents.get(box).configVersion());

        // The backup: the controller's data folder while the box ran version 1.
        Path live = data.resolve("controller");
        controller.close();
        controller = null;
        copyTree(live, data.resolve("backup"));
        restartController(live, box);
        for (String profile : List.of("generic-recorder-b/classroom-1080p", "generic-recorder-b/classroom-720p")) {
            awaitRollout(post("/api/v1/rollouts", rollout(profile, "\"boxes\":[\"" + box + "\"]", "\"waves\":[\"100%\"]"), 201)
                    .path("id").asText(), "completed");
        }
        assertEquals(3L, agents.get(box).configVersion());

        // Restored from the backup, the controller knows version 1 only; the box (not reconnected yet) runs 3.
        controller.close();
        controller = null;
        agents.remove(box).stop();
        startController(data.resolve("backup"));
        String id = post("/api/v1/rollouts", rollout("generic-recorder-b/classroom-1080p", "\"boxes\":[\"" + box + "\"]",
                "\"waves\":[\"100%\"]"), 201).path("id").asText();
        await().atMost(WAIT).until(() -> state(get("/api/v1/rollouts/" + id), box).equals("sent"));
        restartAgent(box);

        JsonNode done = awaitRollout(id, "completed");
        assertEquals("applied", state(done, box), done.toString());
        assertEquals(4, done.path("boxes").get(0).path("version").asInt(), "numbered above the box's 3, learnt from its birth");
        assertEquals(4L, agents.get(box).configVersion());
        JsonNode config = get("/api/v1/boxes/" + box + "/config");
        assertEquals(4, config.path("runningVersion").asInt(), config.toString());
        assertTrue(config.path("drift").isNull(), config.toString());
    }

    // ------------------------------------------------------------------ helpers

    private void startController(Path dataDir) throws Exception {
        controller = Controller.start(ControllerConfig.builder(dataDir).freePorts().clock(clock).build());
        controller.rollouts().useGuard((b, now) -> Optional.ofNullable(inClassUntil.get(b)).filter(now::isBefore));
    }

    /** The controller on {@code dataDir} again (a new broker port), and the box's agent reconnected to it. */
    private void restartController(Path dataDir, String box) throws Exception {
        agents.remove(box).stop();
        controller = null;
        startController(dataDir);
        restartAgent(box);
    }

    /** The box's agent started again with its own data folder, on the current controller's broker. */
    private void restartAgent(String box) {
        configs.put(box, configs.get(box).toBuilder().brokerUri(controller.brokerUri()).build());
        startAgent(box, false, keys);
        await().atMost(WAIT).until(() -> agents.get(box).connected());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private void start(Path catalogue) throws Exception {
        start(catalogue, false);
    }

    /** {@code realSchedule}: the controller's own schedule guards rollouts; else the test's map does. */
    private void start(Path catalogue, boolean realSchedule) throws Exception {
        // A null catalogue is the packaged one.
        controller = Controller.start(ControllerConfig.builder(data.resolve("controller")).freePorts().clock(clock)
                .profilesDir(catalogue).build());
        if (!realSchedule) {
            controller.rollouts().useGuard((box, now) -> Optional.ofNullable(inClassUntil.get(box)).filter(now::isBefore));
        }
        post("/api/v1/schools", "{\"id\":\"sch01\",\"nameZh\":\"河西小学\",\"nameEn\":\"Hexi Primary\"}", 201);
    }

    /** Registers and starts {@code n} boxes; a box named {@code brokenId} (the first) lacks its blackboard camera. */
    private List<String> fleet(String school, int n, String brokenId) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = i == 0 && brokenId != null ? brokenId : school + "-box-" + (i + 1);
            register(school, id);
            ids.add(id);
        }
        for (String id : ids) {
            startAgent(id, id.equals(brokenId), keys);
        }
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> agents.get(id).connected()));
        return ids;
    }

    private final Map<String, String> passwords = new ConcurrentHashMap<>();

    private void register(String school, String id) throws Exception {
        post("/api/v1/classrooms", "{\"id\":\"room-" + id + "\",\"schoolId\":\"" + school + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}", 201);
        JsonNode reg = post("/api/v1/boxes", "{\"id\":\"" + id + "\",\"classroomId\":\"room-" + id + "\",\"model\":\"" + MODEL + "\"}", 201);
        passwords.put(id, reg.path("mqtt").path("password").asText());
        List<String> pinned = new ArrayList<>();
        reg.path("config").path("publicKeys").forEach(k -> pinned.add(k.asText()));
        assertEquals(reg.path("config").path("publicKey").asText(), pinned.get(0));
        keys = pinned;
    }

    private void startAgent(String id, boolean noBlackboard, List<String> pinned) {
        AgentConfigBuilder b = configs.containsKey(id) ? configs.get(id).toBuilder()
                : AgentConfig.builder(id, controller.brokerUri(), passwords.get(id)).model(MODEL).keepAliveS(5)
                .statusIntervalS(10).probeIntervalS(1).dataDir(data.resolve("agent-" + id)).controllerKeys(pinned);
        if (noBlackboard) {
            b.cameras(List.of(new AgentConfig.Camera("cam-teacher", CameraRole.TEACHER, CameraKind.USB),
                    new AgentConfig.Camera("cam-student", CameraRole.STUDENT, CameraKind.RTSP)));
        }
        AgentConfig config = b.build();
        configs.put(id, config);
        agents.put(id, Agent.start(config, code -> { }));
    }

    private String rollout(String profile, String target, String strategy) {
        return "{\"profile\":\"" + profile + "\",\"target\":{" + target + "},\"strategy\":{" + strategy + "}}";
    }

    private JsonNode awaitRollout(String id, String state) {
        return await().atMost(WAIT).until(() -> get("/api/v1/rollouts/" + id), r -> r.path("state").asText().equals(state));
    }

    private static String state(JsonNode rollout, String box) {
        for (JsonNode b : rollout.path("boxes")) {
            if (b.path("boxId").asText().equals(box)) {
                return b.path("state").asText();
            }
        }
        throw new AssertionError(box + " not in " + rollout);
    }

    private Path catalogueAllowing30Fps() throws IOException {
        Path src = Path.of(System.getProperty("basedir", ".")).resolve("../firmware-configs").normalize();
        Path dst = data.resolve("catalogue");
        for (String sub : new String[] {"profiles", "schemas"}) {
            try (Stream<Path> files = Files.walk(src.resolve(sub))) {
                for (Path f : files.toList()) {
                    Path to = dst.resolve(src.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
        }
        Path schema = dst.resolve("schemas/" + MODEL + ".schema.json");
        Files.writeString(schema, Files.readString(schema).replace("\"fps\": { \"const\": 25 }", "\"fps\": { \"enum\": [25, 30] }"));
        Files.writeString(dst.resolve("profiles/" + MODEL + "/classroom-30fps.yaml"),
                "extends: classroom-1080p\nname: classroom-30fps\nvideo: {fps: 30}\n");
        return dst;
    }

    private Controller tokenOf;
    private String token;

    /** An API token of the user "tester", an admin (created once per controller start). */
    private String bearer() {
        if (tokenOf != controller) {
            if (controller.accounts().user("tester").isEmpty()) {
                controller.accounts().createUser("tester", org.syncready.controller.account.Role.ADMIN, java.util.Set.of(), null,
                        "tester-password");
            }
            token = controller.accounts().createToken("tester", "integration test", null, "admin").secret();
            tokenOf = controller;
        }
        return "Bearer " + token;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return json.readTree(r.body());
    }

    private JsonNode post(String path, String body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", bearer()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), path + ": " + r.body());
        return json.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.httpPort() + path);
    }
}
