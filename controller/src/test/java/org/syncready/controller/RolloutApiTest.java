package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.Channel;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Topics;

/** Rollouts over the HTTP API without agents: refusals that name the field, dry runs, actions, the key. */
class RolloutApiTest {
    @TempDir
    Path data;

    @Test
    void malformedProfilesOverridesAndStrategiesAreRefusedNamingTheFieldAndNothingIsPublished() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.registerBox("s1", "c1", "box-1");
            f.registerBox("s1", "c2", "box-2");

            JsonNode bad = refused(f, "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"schools\":[\"s1\"]},"
                    + "\"overrides\":{\"schools\":{\"s1\":{\"video\":{\"fps\":60,\"bitrateKpbs\":900}}}}}", 400);
            assertProblem(bad, "override school s1", "/video/fps");
            assertTrue(bad.toString().contains("bitrateKpbs"), bad.toString());

            assertProblem(refused(f, "{\"profile\":\"generic-recorder-a/nope\",\"target\":{\"all\":true}}", 400), "request", "/profile");
            assertProblem(refused(f, "{\"profile\":\"generic-recorder-b/classroom-1080p\",\"target\":{\"all\":true}}", 400), "request", "/profile");
            assertProblem(refused(f, "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-9\"]}}", 400),
                    "request", "/target/boxes/0");
            assertProblem(refused(f, "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{}}", 400), "request", "/target");
            JsonNode strategy = refused(f, "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"all\":true},"
                    + "\"strategy\":{\"waves\":[0,\"150%\"],\"failureThreshold\":\"many\",\"onFailure\":\"panic\"},\"strategi\":{}}", 400);
            for (String field : List.of("/strategy/waves/0", "/strategy/waves/1", "/strategy/failureThreshold", "/strategy/onFailure", "/strategi")) {
                assertProblem(strategy, "request", field);
            }
            assertProblem(refused(f, "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-1\"]},"
                    + "\"overrides\":{\"boxes\":{\"box-2\":{\"audio\":{\"gainDb\":3}}}}}", 400), "request", "/overrides/boxes/box-2");
            assertProblem(refused(f, "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"all\":true},\"overrides\":{\"boxes\":{\"box-1\":{\"model\":\"x\"}}}}", 400),
                    "override box box-1", "/model");

            assertEquals(0, f.get("/api/v1/rollouts").body().size(), "no rollout was created");
            assertTrue(f.get("/api/v1/boxes/box-1/config").body().path("desired").isNull(), "nothing published");
            assertTrue(f.get("/api/v1/boxes/box-1/config").body().path("overrides").path("school").isNull(), "no override stored");
            JsonNode audit = f.get("/api/v1/audit?action=rollout.start").body();
            assertTrue(audit.size() >= 1 && audit.get(0).path("result").asText().startsWith("refused"), audit.toString());
        }
    }

    @Test
    void dryRunShowsBoxesWavesDiffsAndDeferralsAndChangesNothing() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data)) {
            for (int i = 1; i <= 4; i++) {
                f.registerBox("s1", "c" + i, "box-" + i);
            }
            Instant busyUntil = Instant.parse("2099-01-01T00:00:00Z");
            f.controller.rollouts().useGuard((box, now) -> box.equals("box-3") ? Optional.of(busyUntil) : Optional.empty());
            JsonNode plan = f.post("/api/v1/rollouts?dryRun=true", "{\"profile\":\"generic-recorder-a/low-uplink-720p\","
                    + "\"target\":{\"schools\":[\"s1\"]},\"strategy\":{\"waves\":[1,\"50%\",\"100%\"]}}").body();
            assertTrue(plan.path("dryRun").asBoolean(), plan.toString());
            assertEquals("[1,2,1]", plan.path("waveSizes").toString());
            assertEquals(1, plan.path("deferred").asInt());
            assertEquals(busyUntil.toString(), plan.path("boxes").get(2).path("deferredUntil").asText());
            assertEquals("first", plan.path("boxes").get(0).path("change").asText());
            assertTrue(plan.path("boxes").get(0).path("diff").toString().contains("\"/video/resolution\""), plan.toString());
            assertEquals(0, f.get("/api/v1/rollouts").body().size());

            // A real rollout to box-1 (no agent runs: it stays "sent"), then a dry run of a box override shows the one change.
            JsonNode started = f.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-1\"]}}").body();
            assertEquals("running", started.path("state").asText(), started.toString());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("sent",
                    f.get("/api/v1/rollouts/" + started.path("id").asText()).body().path("boxes").get(0).path("state").asText()));
            f.post("/api/v1/rollouts/" + started.path("id").asText() + "/abort", "{}");
            JsonNode diff = f.post("/api/v1/rollouts?dryRun=true", "{\"target\":{\"boxes\":[\"box-1\"]},"
                    + "\"overrides\":{\"boxes\":{\"box-1\":{\"stream\":{\"pushUrl\":\"rtmp://s2.example.org/live/r1\"}}}}}").body();
            JsonNode changes = diff.path("boxes").get(0).path("diff");
            assertEquals(1, changes.size(), diff.toString());
            assertEquals("/stream/pushUrl", changes.get(0).path("path").asText());
            assertEquals("rtmp://s2.example.org/live/r1", changes.get(0).path("to").asText());

            JsonNode preview = f.get("/api/v1/boxes/box-1/config/preview?profile=generic-recorder-a/low-uplink-720p").body();
            assertTrue(preview.path("diff").toString().contains("/video/bitrateKbps"), preview.toString());

            // A stream key in an override reaches the box's document but never the audit log.
            JsonNode keyed = f.post("/api/v1/rollouts", "{\"target\":{\"boxes\":[\"box-2\"]},\"profile\":\"generic-recorder-a/standard-1080p\","
                    + "\"overrides\":{\"boxes\":{\"box-2\":{\"stream\":{\"pushUrl\":\"rtmp://s2.example.org/live/r2?key=SECRET123\"}}}}}").body();
            await().atMost(Duration.ofSeconds(10)).until(() -> !f.get("/api/v1/boxes/box-2/config").body().path("desired").isNull());
            assertTrue(f.get("/api/v1/boxes/box-2/config").body().toString().contains("SECRET123"));
            String audit = f.get("/api/v1/audit").body().toString();
            assertTrue(audit.contains(keyed.path("id").asText()) && audit.contains("box-2") && !audit.contains("SECRET123"), audit);
        }
    }

    @Test
    void actionsFollowTheStateMachineAndAreAuditedWithTheActor() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.registerBox("s1", "c1", "box-1");
            f.registerBox("s1", "c2", "box-2");
            JsonNode r = post(f, "/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"all\":true},"
                    + "\"strategy\":{\"waves\":[1,\"100%\"]},\"force\":true}", "alice", 201);
            String id = r.path("id").asText();
            assertEquals(409, f.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-2\"]}}")
                    .status(), "a box in a running rollout cannot join another");
            assertEquals(409, post(f, "/api/v1/rollouts/" + id + "/resume", "{}", "bob", 409).path("error").asText().equals("conflict") ? 409 : 0);
            assertEquals("paused", post(f, "/api/v1/rollouts/" + id + "/pause", "{}", "bob", 200).path("state").asText());
            assertEquals("running", post(f, "/api/v1/rollouts/" + id + "/resume", "{}", "bob", 200).path("state").asText());
            assertEquals("aborted", post(f, "/api/v1/rollouts/" + id + "/abort", "{}", "carol", 200).path("state").asText());
            assertEquals(404, f.post("/api/v1/rollouts/r-nope/pause", "{}").status());
            assertEquals("unauthorized", f.as("srt_" + "x".repeat(43)).post("/api/v1/rollouts/" + id + "/pause", "{}").body().path("error").asText(),
                    "nobody acts without being logged in: the audit log names only users the controller knows");
            JsonNode rb = post(f, "/api/v1/rollouts/" + id + "/rollback", "{}", "carol", 200);
            assertEquals("rolled_back", rb.path("state").asText());
            assertTrue(rb.path("reason").asText().contains("no previous configuration for [box-1]"), rb.toString());

            JsonNode audit = f.get("/api/v1/audit").body();
            String all = audit.toString();
            for (String expected : List.of("\"actor\":\"alice\",\"action\":\"rollout.start\"", "\"actor\":\"alice\",\"action\":\"rollout.force\"",
                    "\"actor\":\"bob\",\"action\":\"rollout.pause\"", "\"actor\":\"carol\",\"action\":\"rollout.abort\"",
                    "\"actor\":\"carol\",\"action\":\"rollout.rollback\"")) {
                assertTrue(all.contains(expected), expected + " in " + all);
            }
        }
    }

    @Test
    void theSigningKeyIsOwnerOnlyHandedOutAtRegistrationAndDesiredDocsAreRepublishedAfterARestart() throws Exception {
        String publicKey;
        String password;
        try (ControllerFixture f = new ControllerFixture(data)) {
            f.post("/api/v1/schools", "{\"id\":\"s1\",\"nameZh\":\"学校\",\"nameEn\":\"School\"}");
            f.post("/api/v1/classrooms", "{\"id\":\"c1\",\"schoolId\":\"s1\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}");
            JsonNode reg = f.post("/api/v1/boxes", "{\"id\":\"box-1\",\"classroomId\":\"c1\",\"model\":\"generic-recorder-a\"}").body();
            publicKey = reg.path("config").path("publicKey").asText();
            password = reg.path("mqtt").path("password").asText();
            f.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-1\"]}}");
        }
        Path key = data.resolve("keys/config-signing.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));

        try (ControllerFixture f = new ControllerFixture(data)) {
            JsonNode reg = f.post("/api/v1/boxes", "{\"id\":\"box-2\",\"classroomId\":\"c1\",\"model\":\"generic-recorder-a\"}").body();
            assertEquals(publicKey, reg.path("config").path("publicKey").asText(), "the same key after a restart");
            // The embedded broker forgot everything; the controller published box-1's document again, retained.
            AtomicReference<byte[]> got = new AtomicReference<>();
            MqttClient box = new MqttClient(f.controller.brokerUri(), "box-1", new MemoryPersistence());
            box.setTimeToWait(20_000);
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName("box-1");
            o.setPassword(password.getBytes());
            box.connect(o);
            try {
                // (Paho's subscribe(topic, qos, listener) overload recurses forever in 1.2.5: use the array form.)
                box.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                        new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.of("box-1", Channel.CONFIG_DESIRED), 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> got.set(m.getPayload())});
                await().atMost(Duration.ofSeconds(10)).until(() -> got.get() != null);
            } finally {
                box.disconnectForcibly(0, 2_000, true);
                box.close();
            }
            ConfigDesired doc = new MessageCodec().decode(ConfigDesired.class, got.get());
            assertEquals(1, doc.version());
            assertEquals("generic-recorder-a/standard-1080p", doc.profile());
            assertTrue(ConfigSigning.verify(doc, List.of(ConfigSigning.decodePublicKey(publicKey))));
            assertFalse(f.controller.rollouts().drift("box-1", Instant.now()).isPresent(), "within the grace period");
            assertNotNull(f.controller.rollouts().drift("box-1", Instant.now().plus(Duration.ofHours(1))).orElse(null),
                    "after the grace period without a report: drift");
        }
    }

    private static JsonNode refused(ControllerFixture f, String body, int status) throws Exception {
        ControllerFixture.Response r = f.post("/api/v1/rollouts", body);
        assertEquals(status, r.status(), r.text());
        return r.body();
    }

    private static void assertProblem(JsonNode answer, String where, String field) {
        for (JsonNode p : answer.path("problems")) {
            if (p.path("field").asText().equals(field) && p.path("where").asText().equals(where)) {
                return;
            }
        }
        throw new AssertionError("expected a problem at " + where + " " + field + " in " + answer);
    }

    private final java.util.Map<String, String> tokens = new java.util.HashMap<>();

    /** Posts as {@code actor}, an admin logged in with an API token of theirs. */
    private JsonNode post(ControllerFixture f, String path, String body, String actor, int status) throws Exception {
        String token = tokens.computeIfAbsent(actor, a -> f.tokenFor(a, org.syncready.controller.account.Role.ADMIN, java.util.Set.of()));
        ControllerFixture.Response r = f.as(token).post(path, body);
        assertEquals(status, r.status(), r.text());
        return r.body();
    }
}
