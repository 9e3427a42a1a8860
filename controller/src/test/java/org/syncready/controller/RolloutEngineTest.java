package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.rollout.RolloutTicks;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Topics;

/** The rollout engine against a clock the test moves: timeouts, time windows, and a controller restart mid-rollout. */
class RolloutEngineTest {
    @TempDir
    Path data;

    /** 2026-03-02 10:00 in Beijing. */
    private final TestClock clock = new TestClock(Instant.parse("2026-03-02T02:00:00Z"));

    @Test
    void aBoxThatNeverReportsTimesOutPausesTheRolloutAndAResumeSurvivesARestart() throws Exception {
        String id;
        try (ControllerFixture f = new ControllerFixture(data, clock)) {
            f.registerBox("s1", "c1", "box-1");
            f.registerBox("s1", "c2", "box-2");
            id = f.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-1\",\"box-2\"]},"
                    + "\"strategy\":{\"waves\":[1,\"100%\"],\"boxTimeoutS\":120}}").body().path("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> box(f, id, 0).path("state").asText().equals("sent"));
            clock.advance(Duration.ofSeconds(119));
            RolloutTicks.tick(f.controller.rollouts());
            assertEquals("sent", box(f, id, 0).path("state").asText(), "not yet");
            clock.advance(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> f.get("/api/v1/rollouts/" + id).body().path("state").asText().equals("paused"));
            JsonNode r = f.get("/api/v1/rollouts/" + id).body();
            assertEquals("timed_out", r.path("boxes").get(0).path("state").asText());
            assertEquals("no report within 120 s", r.path("boxes").get(0).path("error").asText());
            assertEquals("pending", r.path("boxes").get(1).path("state").asText(), "the next wave never started");

            // Resumed by a person: the timed-out canary no longer counts, and the next wave goes out.
            assertEquals("running", f.post("/api/v1/rollouts/" + id + "/resume", "{}").body().path("state").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> box(f, id, 1).path("state").asText().equals("sent"));
        }
        try (ControllerFixture f = new ControllerFixture(data, clock)) {
            RolloutTicks.tick(f.controller.rollouts());
            JsonNode r = f.get("/api/v1/rollouts/" + id).body();
            assertEquals("running", r.path("state").asText(), "a restart does not count the forgiven failure again: " + r);
            assertEquals(2, r.path("wave").asInt());
        }
    }

    @Test
    void boxesWaitForTheTimeWindowAndARestartedControllerGoesOnWithTheRollout() throws Exception {
        String password;
        String id;
        try (ControllerFixture f = new ControllerFixture(data, clock)) {
            password = f.registerBox("s1", "c1", "box-1");
            // 10:00 in Beijing; the window opens at 18:00.
            id = f.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-1\"]},"
                    + "\"strategy\":{\"window\":{\"from\":\"18:00\",\"to\":\"07:00\",\"zone\":\"Asia/Shanghai\"}}}").body().path("id").asText();
            RolloutTicks.tick(f.controller.rollouts());
            assertEquals("pending", box(f, id, 0).path("state").asText(), "outside the window");
            clock.advance(Duration.ofHours(8).plusMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> box(f, id, 0).path("state").asText().equals("sent"));
        }
        try (ControllerFixture f = new ControllerFixture(data, clock)) {
            JsonNode r = f.get("/api/v1/rollouts/" + id).body();
            assertEquals("running", r.path("state").asText(), "loaded from the store");
            assertEquals("generic-recorder-a/standard-1080p", f.get("/api/v1/boxes/box-1/config").body().path("profile").asText(),
                    "the profile assignment was stored with the rollout");
            assertEquals("sent", r.path("boxes").get(0).path("state").asText());
            assertEquals(1, r.path("boxes").get(0).path("version").asInt());
            // The box applied version 1 while nobody listened: its birth says so, and that settles it.
            try (RawBox raw = new RawBox(f.controller.brokerUri(), "box-1", password)) {
                raw.publishRaw(Topics.of("box-1", Channel.BIRTH), new MessageCodec().encode(new BirthMessage(1, "box-1",
                        System.currentTimeMillis(), "boot-9", 1, "test", "fw", "generic-recorder-a", 10, 1L, null, null)));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.get("/api/v1/rollouts/" + id).body().path("state").asText().equals("completed"));
            }
            assertEquals("applied", box(f, id, 0).path("state").asText());
            assertTrue(f.get("/api/v1/boxes/box-1/config").body().path("drift").isNull());
        }
    }

    @Test
    void aSentBoxOfAnAbortedRolloutTimesOutInsteadOfStayingSentForever() throws Exception {
        try (ControllerFixture f = new ControllerFixture(data, clock)) {
            f.registerBox("s1", "c1", "box-1");
            String id = f.post("/api/v1/rollouts", "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"box-1\"]},"
                    + "\"strategy\":{\"boxTimeoutS\":60}}").body().path("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> box(f, id, 0).path("state").asText().equals("sent"));
            assertEquals("aborted", f.post("/api/v1/rollouts/" + id + "/abort", "{}").body().path("state").asText());
            clock.advance(Duration.ofSeconds(61));
            await().atMost(Duration.ofSeconds(10)).until(() -> box(f, id, 0).path("state").asText().equals("timed_out"));
            assertEquals("no report within 60 s", box(f, id, 0).path("error").asText(), "a box never heard from");
            assertEquals("aborted", f.get("/api/v1/rollouts/" + id).body().path("state").asText());
        }
    }

    private static JsonNode box(ControllerFixture f, String rollout, int i) throws Exception {
        return f.get("/api/v1/rollouts/" + rollout).body().path("boxes").get(i);
    }
}
