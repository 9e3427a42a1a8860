package org.syncready.controller.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.syncready.controller.refusal.Refusal;
import org.syncready.protocol.ConfigReported;

/** The planner on an in-memory registry and store: no database, no broker, the clock the test holds. */
class RolloutPlannerTest {
    @TempDir
    Path keys;
    private RolloutTestbed t;

    @BeforeEach
    void setUp() {
        t = new RolloutTestbed(keys);
        t.box("s1", "box-c").box("s1", "box-a").box("s1", "box-b").box("s2", "box-d");
    }

    @Test
    void listedBoxesComeFirstThenTheRestByIdInWavesOfCountsAndPercentages() {
        RolloutPlan plan = t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-d\"],\"schools\":[\"s1\"]},"
                + "\"strategy\":{\"waves\":[1,\"50%\",\"100%\"]}}");
        assertEquals(List.of("box-d", "box-a", "box-b", "box-c"), plan.boxes().stream().map(RolloutPlan.Box::boxId).toList());
        assertEquals(List.of(1, 2, 1), plan.waveSizes());
        assertEquals(List.of(0, 1, 1, 2), plan.boxes().stream().map(RolloutPlan.Box::wave).toList());
        assertEquals("s2", plan.boxes().get(0).schoolId());
        assertEquals("first", plan.boxes().get(0).change());
        assertTrue(plan.boxes().get(0).diff().stream().anyMatch(c -> c.path().equals("/video/resolution")), plan.toString());
        assertEquals(0, t.store.writes, "planning stores nothing");
        assertTrue(t.publisher.sent.isEmpty(), "planning publishes nothing");
    }

    @Test
    void boxesSharingAProfileAndLayersShareOneRenderingAndEachLayerStillReachesOnlyItsBoxes() {
        t.box("s1", "box-e");
        RolloutPlan plan = t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"all\":true},"
                + "\"overrides\":{\"schools\":{\"s1\":{\"stream\":{\"pushUrl\":\"rtmp://s1.example.org/live\"}}},"
                + "\"boxes\":{\"box-b\":{\"stream\":{\"pushUrl\":\"rtmp://b.example.org/live\"}}}}}");
        java.util.Map<String, RolloutPlan.Box> byId = new java.util.HashMap<>();
        plan.boxes().forEach(b -> byId.put(b.boxId(), b));
        assertEquals("rtmp://s1.example.org/live", byId.get("box-a").body().at("/stream/pushUrl").asText());
        assertEquals("rtmp://b.example.org/live", byId.get("box-b").body().at("/stream/pushUrl").asText(), "the box layer on top");
        assertEquals("rtmp://s1.example.org/live", byId.get("box-c").body().at("/stream/pushUrl").asText());
        assertTrue(byId.get("box-a").body() == byId.get("box-e").body(), "one rendering for the boxes with the same layers");
        assertTrue(byId.get("box-a").diff().equals(byId.get("box-e").diff()));
        assertTrue(!byId.get("box-d").body().at("/stream/pushUrl").asText().equals("rtmp://s1.example.org/live"),
                "s2 does not get s1's layer: " + byId.get("box-d").body().at("/stream/pushUrl"));
    }

    @Test
    void everyProblemIsRefusedAtOnceNamingItsField() {
        Refusal e = assertThrows(Refusal.class, () -> t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\","
                + "\"target\":{\"boxes\":[\"box-a\",\"box-x\"],\"schools\":[\"s9\"],\"classrooms\":[\"room-9\"]},"
                + "\"overrides\":{\"boxes\":{\"box-d\":{\"audio\":{\"gainDb\":3}}}}}"));
        assertEquals(Refusal.Kind.INVALID, e.kind());
        assertEquals(List.of("/target/boxes/1", "/target/classrooms/0", "/target/schools/0", "/overrides/boxes/box-d"),
                e.problems().stream().map(Refusal.Problem::field).toList());
        assertTrue(e.problems().stream().allMatch(p -> p.where().equals("request")), e.problems().toString());

        Refusal model = assertThrows(Refusal.class, () -> t.plan("{\"profile\":\"generic-recorder-b/classroom-1080p\",\"target\":{\"all\":true}}"));
        assertEquals("/profile", model.problems().get(0).field());
        assertTrue(model.problems().get(0).message().contains("narrow the target with target.model"), model.getMessage());

        Refusal layer = assertThrows(Refusal.class, () -> t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-a\"]},"
                + "\"overrides\":{\"boxes\":{\"box-a\":{\"video\":{\"fps\":60}}}}}"));
        assertTrue(layer.problems().stream().anyMatch(p -> p.where().equals("override box box-a") && p.field().equals("/video/fps")),
                layer.problems().toString());
    }

    @Test
    void theDiffIsAgainstTheCurrentDocumentAndBoxesRunningTheResultAreLeftOut() {
        String id = t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-a\",\"box-b\"]},"
                + "\"strategy\":{\"waves\":[\"100%\"]}}");
        t.tick();
        t.report("box-a", 1, ConfigReported.Result.APPLIED, null);
        t.report("box-b", 1, ConfigReported.Result.APPLIED, null);
        assertEquals("completed", t.view(id).state());

        RolloutPlan same = t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-a\",\"box-b\",\"box-c\"]}}");
        assertEquals(List.of("box-a", "box-b"), same.unchanged());
        assertEquals(List.of("box-c"), same.boxes().stream().map(RolloutPlan.Box::boxId).toList());

        RolloutPlan push = t.plan("{\"target\":{\"boxes\":[\"box-a\"]},"
                + "\"overrides\":{\"boxes\":{\"box-a\":{\"stream\":{\"pushUrl\":\"rtmp://s2.example.org/live/a\"}}}}}");
        RolloutPlan.Box a = push.boxes().get(0);
        assertEquals("update", a.change());
        assertEquals(RolloutTestbed.PROFILE, a.profile(), "the assigned profile, as none was given");
        assertEquals(1, a.diff().size(), a.diff().toString());
        assertEquals("/stream/pushUrl", a.diff().get(0).path());
        assertEquals("rtmp://s2.example.org/live/a", a.diff().get(0).to().asText());
    }

    @Test
    void theGuardAsOfTheInjectedClockDefersAndForceSendsAnyway() {
        Instant until = t.clock.instant().plus(Duration.ofMinutes(40));
        t.guard = (box, now) -> box.equals("box-b") && now.isBefore(until) ? Optional.of(until) : Optional.empty();
        RolloutPlan plan = t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]}}");
        assertNull(plan.boxes().get(0).deferredUntil());
        assertEquals(until.toString(), plan.boxes().get(1).deferredUntil());
        RolloutPlan forced = t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]},\"force\":true}");
        assertNull(forced.boxes().get(1).deferredUntil());
        t.clock.advance(Duration.ofMinutes(41));
        assertNull(t.plan("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"schools\":[\"s1\"]}}").boxes().get(1).deferredUntil());
    }

    @Test
    void aBoxInAnActiveRolloutCannotJoinAnother() {
        t.start("{\"profile\":\"" + RolloutTestbed.PROFILE + "\",\"target\":{\"boxes\":[\"box-a\"]}}");
        Refusal e = assertThrows(Refusal.class, () -> t.plan("{\"profile\":\"" + RolloutTestbed.LOW + "\",\"target\":{\"schools\":[\"s1\"]}}"));
        assertEquals(Refusal.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("[box-a]"), e.getMessage());
    }
}
