package org.syncready.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syncready.agent.config.ConfigException;
import org.syncready.agent.config.ReportRules;
import org.syncready.agent.config.ReportRules.Metric;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

class ReportPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReportPolicy policy = new ReportPolicy(60, ReportRules.DEFAULT);

    @Test
    void nothingPublishedYetWaitsForTheConnect() {
        assertNull(policy.changed(null, box(20, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up")));
    }

    @Test
    void aHealthyBoxWanderingInsideItsRulesWaits() {
        Snapshot published = box(12, 0.3, 0, 17_000, -40, 160_000, DeviceState.OK, "up");
        // Every figure at the far end of what a healthy simulated box reports (sim.Healthy).
        assertNull(policy.changed(published, box(40, 6, 0, 23_000, -20, 140_000, DeviceState.OK, "up")));
        assertNull(policy.changed(published, published));
    }

    @Test
    void aDeviceStateOrTheLinkPublishesAtOnce() {
        Snapshot published = box(20, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up");
        assertEquals("state changed", policy.changed(published, box(20, 3, 0, 20_000, -30, 150_000, DeviceState.FAULT, "up")));
        assertEquals("state changed", policy.changed(published, box(20, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "down")));
    }

    @Test
    void aLimitCrossedPublishesEvenForASmallStep() {
        Snapshot published = box(140, 25, 0.8, 20_000, -30, 1_500, DeviceState.OK, "up");
        assertTrue(policy.changed(published, box(151, 25, 0.8, 20_000, -30, 1_500, DeviceState.OK, "up")).startsWith("rttMs crossed 150"));
        assertTrue(policy.changed(published, box(140, 31, 0.8, 20_000, -30, 1_500, DeviceState.OK, "up")).startsWith("jitterMs crossed 30"));
        assertTrue(policy.changed(published, box(140, 25, 1.2, 20_000, -30, 1_500, DeviceState.OK, "up")).startsWith("lossPct crossed 1"));
        assertTrue(policy.changed(published, box(140, 25, 0.8, 20_000, -30, 1_000, DeviceState.OK, "up")).startsWith("diskFreeMb crossed 1024"));
        assertTrue(policy.changed(published, box(140, 25, 0.8, 20_000, -61, 1_500, DeviceState.OK, "up"))
                .startsWith("microphone mic-1 levelDbfs crossed -60"));
        // And back below: crossing either way counts.
        assertNotNull(policy.changed(box(151, 25, 0.8, 20_000, -30, 1_500, DeviceState.OK, "up"), published));
    }

    @Test
    void aRelativeChangeNeedsBothItsShareAndItsFloor() {
        Snapshot published = box(20, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up");
        // RTT 20 → 65: +225 % and +45 ms, under the 50 ms floor.
        assertNull(policy.changed(published, box(65, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up")));
        // RTT 20 → 75: +275 % and +55 ms: both.
        assertEquals("rttMs changed by 275 % (20.0 → 75.0)",
                policy.changed(published, box(75, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up")));
        // Uplink 20,000 → 9,000 kbit/s: −55 %, past its 50 %.
        assertTrue(policy.changed(published, box(20, 3, 0, 9_000, -30, 150_000, DeviceState.OK, "up")).startsWith("uplinkKbps changed by 55 %"));
        // Uplink measured for the first time.
        assertEquals("uplinkKbps measured", policy.changed(box(20, 3, 0, null, -30, 150_000, DeviceState.OK, "up"), published));
    }

    @Test
    void profileRulesReplaceOnlyWhatTheyName() throws Exception {
        ReportRules rules = ReportRules.DEFAULT.with(json("{\"numbers\": {\"rttMs\": {\"changePct\": 20, \"minDelta\": 5}}}"), "report");
        assertEquals(new ReportRules.NumberRule(20, 5, List.of(150.0, 400.0)), rules.rule(Metric.RTT_MS));
        assertEquals(ReportRules.DEFAULT.rule(Metric.JITTER_MS), rules.rule(Metric.JITTER_MS));
        ReportPolicy sensitive = new ReportPolicy(60, rules);
        Snapshot published = box(20, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up");
        assertNotNull(sensitive.changed(published, box(26, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up")));
        assertNull(policy.changed(published, box(26, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up")));
        // Limits can be switched off.
        ReportRules noLimits = ReportRules.DEFAULT.with(json("{\"numbers\": {\"rttMs\": {\"limits\": []}}}"), "agent.report");
        assertNull(new ReportPolicy(60, noLimits).changed(box(140, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up"),
                box(160, 3, 0, 20_000, -30, 150_000, DeviceState.OK, "up")));
    }

    @Test
    void badRulesAreRefusedNamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"numbers\": {\"rtt\": {}}}", "field 'report.numbers.rtt' is not a known number; known: rttMs, jitterMs, lossPct, uplinkKbps, levelDbfs, diskFreeMb",
                "{\"numbers\": {\"rttMs\": {\"changePct\": -1}}}", "field 'report.numbers.rttMs.changePct' must be 0..10000, was -1",
                "{\"numbers\": {\"rttMs\": {\"minDelta\": \"big\"}}}", "field 'report.numbers.rttMs.minDelta' must be a number, was \"big\"",
                "{\"numbers\": {\"rttMs\": {\"limits\": 150}}}", "field 'report.numbers.rttMs.limits' must be a list of at most 8 numbers",
                "{\"numbers\": {\"rttMs\": {\"step\": 1}}}", "field 'report.numbers.rttMs.step' is not a known field; known here: changePct, minDelta, limits",
                "{\"heartbeat\": 60}", "field 'report.heartbeat' is not a known field; known here: numbers",
                "[]", "field 'report' must be a mapping with 'numbers', was array");
        cases.forEach((text, message) -> {
            ConfigException e = assertThrows(ConfigException.class, () -> ReportRules.DEFAULT.with(json(text), "report"), text);
            assertEquals(message, e.getMessage());
        });
    }

    @Test
    void theHeartbeatIsDueOnceNothingWasPublishedForItsLength() {
        assertFalse(policy.heartbeatDue(1_000_000, 1_059_999));
        assertTrue(policy.heartbeatDue(1_000_000, 1_060_000));
        assertThrows(IllegalArgumentException.class, () -> new ReportPolicy(0, ReportRules.DEFAULT));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Snapshot box(double rttMs, double jitterMs, double lossPct, Integer uplinkKbps, double levelDbfs,
                                long diskFreeMb, DeviceState camera, String link) {
        return new Snapshot(0, List.of(new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.USB, camera, 1920, 1080, 25.0,
                4000, null, camera == DeviceState.OK ? null : "gone")),
                List.of(new MicrophoneStatus("mic-1", "teacher", DeviceState.OK, levelDbfs, levelDbfs + 10, false, false, null)),
                new NetworkStatus(link, "eth0", rttMs, jitterMs, lossPct, uplinkKbps, 3.0,
                        List.of(new NetworkTarget("controller", "10.0.0.1", 7, true, rttMs, null))),
                new SystemStatus(10.0, 20.0, diskFreeMb, 40.0, 100L), new StreamStatus(true, "rtmp://s/live", 4000, 0L, null),
                Map.of());
    }
}
