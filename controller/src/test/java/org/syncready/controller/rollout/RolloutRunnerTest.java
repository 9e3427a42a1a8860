package org.syncready.controller.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.refusal.Refusal;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported.Result;

/** The state machine stepped tick by tick on fakes: no database, no broker, no sleeps. */
class RolloutRunnerTest {
    private static final String TWO_WAVES = "{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]},"
            + "\"strategy\":{\"waves\":[1,\"100%\"],\"boxTimeoutS\":120}}";

    @TempDir
    Path keys;
    private RolloutTestbed t;

    @BeforeEach
    void setUp() {
        t = new RolloutTestbed(keys);
        t.box("s1", "box-1").box("s1", "box-2").box("s1", "box-3");
    }

    @Test
    void theCanaryGoesFirstTheNextWaveOnItsReportAndTheRolloutCompletes() {
        String id = t.start(TWO_WAVES);
        assertEquals("pending", t.entry(id, "box-1").state(), "sent by the tick, not by the start");
        t.tick();
        assertEquals("sent", t.entry(id, "box-1").state());
        assertEquals(1L, t.entry(id, "box-1").version());
        assertEquals("pending", t.entry(id, "box-2").state());
        t.tick();
        assertEquals(1, t.publisher.sent.size(), "a second tick sends nothing new");

        t.report("box-1", 1, Result.APPLIED, null);
        assertEquals(List.of("applied", "sent", "sent"), states(id), "the canary applied: wave 2 goes out at once");
        assertEquals(2, t.view(id).wave());
        t.report("box-2", 1, Result.APPLIED, null);
        t.report("box-3", 1, Result.APPLIED, null);
        assertEquals("completed", t.view(id).state());
        assertTrue(t.audit.stream().anyMatch(a -> a.startsWith("system rollout.complete " + id)), t.audit.toString());

        ConfigDesired doc = t.published("box-1").get(0);
        assertEquals(RolloutTestbed.PROFILE, doc.profile());
        assertTrue(org.syncready.protocol.ConfigSigning.verify(doc, List.of(t.signer.publicKey())), "signed with the controller key");
    }

    @Test
    void aLargeWaveIsSentAChunkATurnAndReportsOfTheFirstChunkSettleBeforeTheLastIsSent() {
        int n = RolloutRunner.SEND_CHUNK * 2 + 100;
        for (int i = 0; i < n; i++) {
            t.box("big", String.format("big-%05d", i));
        }
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"big\"]},"
                + "\"strategy\":{\"waves\":[\"100%\"]}}");
        assertTrue(t.tick(), "more is due after the first chunk");
        assertEquals(RolloutRunner.SEND_CHUNK, t.view(id).counts().get("sent"));
        t.report("big-00000", 1, Result.APPLIED, null);
        assertEquals(1, t.view(id).counts().get("applied"), "a report between two chunks settles its box");
        assertTrue(t.tick());
        assertFalse(t.tick(), "the last 100 went out");
        assertEquals(n - 1, t.view(id).counts().get("sent"));
        assertEquals(n, t.publisher.sent.size(), "each box published once");
        assertEquals(n, t.store.rolloutBoxes(id).stream().filter(b -> !b.state().label().equals("pending")).count(),
                "every box's new state is stored");
        assertFalse(t.tick(), "nothing is due any more");
    }

    @Test
    void aSilentBoxTimesOutOnTheInjectedClockSayingWhatTheLiveFleetKnowsAndPausesTheRollout() {
        String id = t.start(TWO_WAVES);
        t.tick();
        t.clock.advance(Duration.ofSeconds(119));
        t.tick();
        assertEquals("sent", t.entry(id, "box-1").state(), "not yet");
        t.clock.advance(Duration.ofSeconds(1));
        t.tick();
        RolloutView.Box canary = t.entry(id, "box-1");
        assertEquals("timed_out", canary.state());
        assertEquals("no report within 120 s", canary.error(), "a box never heard from: nothing more to say");
        RolloutView paused = t.view(id);
        assertEquals("paused", paused.state());
        assertTrue(paused.reason().startsWith("failure threshold reached: 1 of 3"), paused.reason());
        assertEquals(1, paused.counts().get("timed_out"));

        // Resumed: the next wave goes out; a box that is online but says nothing times out naming what it runs.
        t.live.put("box-2", new LiveBoxes.Seen(true, null));
        t.live.put("box-3", new LiveBoxes.Seen(false, null));
        assertEquals("running", t.runner.act(id, "resume", new Actor("bob", null)).state());
        t.tick();
        t.clock.advance(Duration.ofSeconds(120));
        t.tick();
        assertEquals("no report within 120 s; the box is online and runs no configuration from the controller", t.entry(id, "box-2").error());
        assertEquals("no report within 120 s; the box is offline", t.entry(id, "box-3").error());
    }

    @Test
    void aSentBoxOfAnAbortedRolloutStillTimesOut() {
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-1\"]},\"strategy\":{\"boxTimeoutS\":60}}");
        t.tick();
        t.live.put("box-1", new LiveBoxes.Seen(true, 4L));
        assertEquals("aborted", t.runner.act(id, "abort", new Actor("carol", null)).state());
        t.clock.advance(Duration.ofSeconds(61));
        t.tick();
        RolloutView.Box b = t.entry(id, "box-1");
        assertEquals("timed_out", b.state(), "not sent forever");
        assertEquals("no report within 60 s; the box is online and runs version 4", b.error());
        assertEquals("aborted", t.view(id).state());
    }

    @Test
    void versionsAreNumberedAboveWhatTheBoxRunsAndAStaleSentDocumentIsSentAgainAboveIt() {
        // The live fleet saw box-1's birth (version 7, from a controller database restored from an older backup).
        t.live.put("box-1", new LiveBoxes.Seen(true, 7L));
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]},\"strategy\":{\"waves\":[\"100%\"]}}");
        t.tick();
        assertEquals(8L, t.entry(id, "box-1").version(), "above the version the box runs");
        assertEquals(1L, t.entry(id, "box-2").version());

        // box-2's birth arrives after the send: it runs version 5, so it would ignore version 1.
        t.birth("box-2", 5L);
        RolloutView.Box two = t.entry(id, "box-2");
        assertEquals("sent", two.state());
        assertEquals(6L, two.version());
        assertEquals(List.of(1L, 6L), t.published("box-2").stream().map(ConfigDesired::version).toList());
        // The box refuses the stale retained copy, then applies the new one.
        t.report("box-2", 1, Result.REJECTED, "version 1 is not newer than 5, the last version this box acted on (it runs 5)");
        assertEquals("sent", t.entry(id, "box-2").state(), "a refusal of the replaced version settles nothing");
        t.report("box-2", 6, Result.APPLIED, null);
        assertEquals("applied", t.entry(id, "box-2").state());

        // box-3's refusal arrives before anything told the controller what it runs: once its birth is in, it is sent above.
        t.live.put("box-3", new LiveBoxes.Seen(true, 3L));
        t.report("box-3", 1, Result.REJECTED, "version 1 is not newer than 3, the last version this box acted on (it runs 3)");
        assertEquals("sent", t.entry(id, "box-3").state());
        assertEquals(4L, t.entry(id, "box-3").version());

        // A refusal for another reason of a version above what the box runs fails the box, with the box's words.
        t.report("box-3", 4, Result.REJECTED, "signature does not verify");
        assertEquals("rejected", t.entry(id, "box-3").state());
        assertEquals("signature does not verify", t.entry(id, "box-3").error());
    }

    @Test
    void aRefusalAndTheApplyOfTheRenumberedDocumentInOneBatchSendNothingAgain() {
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]},\"strategy\":{\"waves\":[\"100%\"]}}");
        t.tick();
        assertEquals(1L, t.entry(id, "box-2").version());
        // box-2 runs 5 (a restored controller): its birth renumbers the document to 6.
        t.birth("box-2", 5L);
        assertEquals(6L, t.entry(id, "box-2").version());
        // Its refusal of the stale copy and its apply of 6 reach the rollout thread together, in this order:
        // the refusal must be judged by what the box ran when it refused (5), not by the 6 after it.
        t.reports(t.received("box-2", 1, Result.REJECTED, "version 1 is not newer than 5, the last version this box acted on (it runs 5)"),
                t.received("box-2", 6, Result.APPLIED, null));
        assertEquals("applied", t.entry(id, "box-2").state());
        assertEquals(6L, t.entry(id, "box-2").version());
        assertEquals(List.of(1L, 6L), t.published("box-2").stream().map(ConfigDesired::version).toList(), "nothing sent a third time");
    }

    @Test
    void resumedFailuresStayForgivenAfterARestartAndTheRolloutGoesOnWhereItWas() {
        String id = t.start(TWO_WAVES);
        t.tick();
        t.report("box-1", 1, Result.ROLLED_BACK, "camera cam-ptz: not found on this box");
        assertEquals("paused", t.view(id).state());
        assertEquals("running", t.runner.act(id, "resume", new Actor("bob", null)).state());
        t.tick();
        assertEquals(List.of("rolled_back", "sent", "sent"), states(id));

        t.restart();
        t.tick();
        RolloutView again = t.view(id);
        assertEquals("running", again.state(), "the forgiven failure does not pause it again");
        assertEquals(2, again.wave());
        t.report("box-2", 1, Result.APPLIED, null);
        t.report("box-3", 1, Result.APPLIED, null);
        assertEquals("completed", t.view(id).state());
    }

    @Test
    void boxesWaitForTheWindowTheGuardAndTheBrokerConnection() {
        Instant sessionEnd = t.clock.instant().plus(Duration.ofMinutes(45));
        t.guard = (box, now) -> box.equals("box-2") && now.isBefore(sessionEnd) ? Optional.of(sessionEnd) : Optional.empty();
        // 10:00 in Beijing; the window opens at 18:00.
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]},"
                + "\"strategy\":{\"waves\":[\"100%\"],\"window\":{\"from\":\"10:30\",\"to\":\"18:00\",\"zone\":\"Asia/Shanghai\"}}}");
        t.tick();
        assertEquals(List.of("pending", "pending", "pending"), states(id), "outside the window");
        t.clock.advance(Duration.ofMinutes(31));
        t.publisher.connected = false;
        t.tick();
        assertEquals(List.of("pending", "pending", "pending"), states(id), "no broker connection");
        t.publisher.connected = true;
        t.tick();
        assertEquals(List.of("sent", "deferred", "sent"), states(id));
        assertEquals(sessionEnd.toString(), t.entry(id, "box-2").deferredUntil());
        t.clock.advance(Duration.ofMinutes(15));
        t.tick();
        assertEquals("sent", t.entry(id, "box-2").state(), "right after the session");
        assertNull(t.entry(id, "box-2").deferredUntil());
    }

    @Test
    void rollbackPublishesThePreviousDocumentsAsNewVersionsAndRestoresTheLayers() {
        String first = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-1\",\"box-2\"]},"
                + "\"strategy\":{\"waves\":[\"100%\"]}}");
        t.tick();
        t.report("box-1", 1, Result.APPLIED, null);
        t.report("box-2", 1, Result.APPLIED, null);
        assertEquals("completed", t.view(first).state());

        String second = t.start("{\"profile\":\"" + RolloutTestbed.LOW + "\",\"target\":{\"boxes\":[\"box-1\",\"box-2\"]},"
                + "\"overrides\":{\"boxes\":{\"box-1\":{\"audio\":{\"gainDb\":3}}}},\"strategy\":{\"waves\":[\"100%\"]}}");
        t.tick();
        assertEquals(RolloutTestbed.LOW, t.configs.profileOf("box-1"));
        assertTrue(t.configs.override("box:box-1") != null);

        RolloutView rolled = t.runner.act(second, "rollback", new Actor("carol", null));
        assertEquals("rolled_back", rolled.state());
        assertTrue(rolled.reason().startsWith("rolled back by carol: 2 boxes sent their previous configuration"), rolled.reason());
        List<ConfigDesired> docs = t.published("box-1");
        assertEquals(List.of(1L, 2L, 3L), docs.stream().map(ConfigDesired::version).toList());
        assertEquals(docs.get(0).body(), docs.get(2).body(), "version 3 is version 1 again");
        assertEquals(RolloutTestbed.PROFILE, docs.get(2).profile());
        assertEquals(RolloutTestbed.PROFILE, t.configs.profileOf("box-1"), "the profile assignment is back");
        assertNull(t.configs.override("box:box-1"), "the box layer the rollout set is gone");

        Refusal again = assertThrows(Refusal.class, () -> t.runner.act(second, "rollback", new Actor("carol", null)));
        assertEquals(Refusal.Kind.CONFLICT, again.kind());
        assertEquals(List.of(new Refusal.Problem("request", "/", "rollout " + second + " is already rolled back")), again.problems());
        assertEquals(Refusal.Kind.NOT_FOUND, assertThrows(Refusal.class, () -> t.runner.act("r-nope", "pause", new Actor("x", null))).kind());
    }

    @Test
    void aBirthWithoutAConfigurationMeansTheBoxRunsNoneAndItDriftsOnceTheGraceIsOver() {
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-1\"]}}");
        t.tick();
        t.report("box-1", 1, Result.APPLIED, null);
        assertEquals("completed", t.view(id).state());
        assertTrue(t.configs.drift("box-1", t.clock.instant().plus(Duration.ofHours(1))).isEmpty());

        t.birth("box-1", null); // the box was re-imaged: it runs agent.yaml alone
        assertTrue(t.configs.drift("box-1", t.clock.instant()).isEmpty(), "within the grace period");
        ConfigDrift drift = t.configs.drift("box-1", t.clock.instant().plus(Duration.ofMinutes(11))).orElseThrow();
        assertTrue(drift.detail().startsWith("runs version none, desired 1"), drift.detail());
    }

    private List<String> states(String id) {
        return t.view(id).boxes().stream().map(RolloutView.Box::state).toList();
    }
}
