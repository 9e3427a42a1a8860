package org.syncready.controller.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.controller.refusal.Refusal;

class RolloutRequestTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void defaultsAreACanaryThenTenPercentThenTheRestPausingAtTheFirstFailure() throws Exception {
        RolloutRequest r = RolloutRequest.parse(json.readTree("{\"profile\":\"m/p\",\"target\":{\"all\":true}}"));
        assertEquals(List.of(1, 10, 89), RolloutPlanner.waves(r.strategy().waves(), 100));
        assertEquals(List.of(1, 1, 8), RolloutPlanner.waves(r.strategy().waves(), 10));
        assertEquals(List.of(1), RolloutPlanner.waves(r.strategy().waves(), 1));
        assertEquals(1, r.strategy().failureThreshold().of(1000));
        assertEquals(100, r.strategy().successThreshold().of(100));
        assertFalse(r.strategy().abortOnFailure());
        assertEquals(Duration.ofMinutes(10), r.strategy().boxTimeout());
    }

    @Test
    void percentagesRoundUpAndTheLastWaveTakesTheRest() throws Exception {
        RolloutRequest r = RolloutRequest.parse(json.readTree("{\"profile\":\"m/p\",\"target\":{\"schools\":[\"s\"]},"
                + "\"strategy\":{\"waves\":[2,\"25%\",5],\"failureThreshold\":\"5%\",\"onFailure\":\"abort\",\"boxTimeoutS\":90}}"));
        assertEquals(List.of(2, 3, 5), RolloutPlanner.waves(r.strategy().waves(), 10));
        assertEquals(List.of(2, 250, 748), RolloutPlanner.waves(r.strategy().waves(), 1000));
        assertEquals(50, r.strategy().failureThreshold().of(1000));
        assertEquals(1, r.strategy().failureThreshold().of(3));
        assertTrue(r.strategy().abortOnFailure());
    }

    @Test
    void aWindowAcrossMidnightContainsTheNightOnly() throws Exception {
        RolloutRequest r = RolloutRequest.parse(json.readTree("{\"profile\":\"m/p\",\"target\":{\"all\":true},"
                + "\"strategy\":{\"window\":{\"from\":\"22:00\",\"to\":\"06:00\",\"zone\":\"Asia/Shanghai\"}}}"));
        RolloutRequest.TimeWindow w = r.strategy().window();
        assertTrue(w.contains(Instant.parse("2026-03-02T15:00:00Z")), "23:00 Beijing");
        assertTrue(w.contains(Instant.parse("2026-03-02T21:59:00Z")), "05:59 Beijing");
        assertFalse(w.contains(Instant.parse("2026-03-02T00:00:00Z")), "08:00 Beijing");
    }

    @Test
    void dottedOverrideKeysBecomeTheNestedLayerAndMalformedOrClashingOnesAreRefused() throws Exception {
        RolloutRequest r = RolloutRequest.parse(json.readTree("{\"target\":{\"boxes\":[\"b1\"]},\"overrides\":{\"boxes\":{\"b1\":"
                + "{\"stream.pushUrl\":\"rtmp://s.example.org/live/a\",\"stream.bitrateKbps\":2000,\"video\":{\"fps\":25}}}}}"));
        assertEquals(json.readTree("{\"stream\":{\"pushUrl\":\"rtmp://s.example.org/live/a\",\"bitrateKbps\":2000},\"video\":{\"fps\":25}}"),
                r.boxOverrides().get("b1"));
        RolloutRequest plain = RolloutRequest.parse(json.readTree("{\"target\":{\"schools\":[\"s\"]},"
                + "\"overrides\":{\"schools\":{\"s\":{\"stream\":{\"pushUrl\":\"rtmp://x/y\"}}}}}"));
        assertEquals("rtmp://x/y", plain.schoolOverrides().get("s").at("/stream/pushUrl").asText(), "a nested layer is kept as it is");

        Refusal e = assertThrows(Refusal.class, () -> RolloutRequest.parse(json.readTree("{\"target\":{\"boxes\":[\"b1\",\"b2\"]},"
                + "\"overrides\":{\"boxes\":{\"b1\":{\"stream..pushUrl\":\"x\"},\"b2\":{\"stream\":\"flat\",\"stream.pushUrl\":\"x\"}}}}")));
        assertEquals(List.of("/overrides/boxes/b1/stream..pushUrl", "/overrides/boxes/b2/stream.pushUrl"),
                e.problems().stream().map(Refusal.Problem::field).toList(), e.getMessage());
    }

    @Test
    void everyProblemIsReportedWithItsPointer() {
        Refusal e = assertThrows(Refusal.class, () -> RolloutRequest.parse(json.readTree(
                "{\"profile\":\"No Such\",\"target\":{\"boxes\":\"b1\"},\"force\":\"yes\",\"overrides\":{\"schools\":{\"s\":[]}},"
                        + "\"strategy\":{\"boxTimeoutS\":0,\"window\":{\"from\":\"25:00\",\"to\":\"06:00\",\"zone\":\"Mars/Base\"}}}")));
        List<String> fields = e.problems().stream().map(Refusal.Problem::field).toList();
        for (String f : List.of("/profile", "/target/boxes", "/force", "/overrides/schools/s", "/strategy/boxTimeoutS",
                "/strategy/window/from", "/strategy/window/zone")) {
            assertTrue(fields.contains(f), f + " in " + fields);
        }
        assertEquals(Refusal.Kind.INVALID, e.kind());
    }
}
