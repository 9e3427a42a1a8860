package org.syncready.agent.configapply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.Snapshot;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported.Result;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

class ConfigApplierTest {
    private static final String MODEL = "generic-recorder-b";
    private static final String PROFILE = MODEL + "/classroom-1080p";

    @TempDir
    Path data;
    private final MessageCodec codec = new MessageCodec();
    private KeyPair key;
    private AgentConfig config;
    private FakeBox box;
    private ObjectNode body;

    @BeforeEach
    void setUp() throws Exception {
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        config = AgentConfig.builder("box-1", "tcp://127.0.0.1:1883", "pw").model(MODEL).dataDir(data)
                .controllerKeys(List.of(ConfigSigning.encodePublicKey(key.getPublic()))).build();
        box = new FakeBox();
        body = (ObjectNode) ProfileCatalogue.packaged().profile(PROFILE).orElseThrow().body().deepCopy();
    }

    @Test
    void appliesAVerifiedDocumentAndRunsItAfterARestart() {
        ConfigApplier applier = new ConfigApplier(config, codec, box);
        ((ObjectNode) body.get("agent")).put("statusIntervalS", 3);
        applier.onDesired(signed("box-1", 1, body, key));
        assertEquals(List.of("1 applied null"), box.reports);
        assertEquals(3, box.running.path("agent").path("statusIntervalS").asInt());
        assertEquals(1L, applier.runningVersion());
        assertTrue(Files.isRegularFile(data.resolve("config/box-1/current.json")));

        applier.onDesired(signed("box-1", 1, body, key));
        assertEquals(1, box.reports.size(), "the retained copy of a running version is not acted on again");

        ConfigApplier restarted = new ConfigApplier(config, codec, new FakeBox());
        assertEquals(1L, restarted.runningVersion());
        AgentConfig effective = ConfigApplier.effective(config, restarted.running().orElseThrow().body());
        assertEquals(3, effective.statusIntervalS());
        assertTrue(effective.probeTargets().stream().anyMatch(t -> t.name().equals("stream")), "profile targets");
        assertTrue(effective.probeTargets().stream().anyMatch(t -> t.name().equals("broker")), "broker kept");
    }

    @Test
    void aProfileSetsTheHeartbeatAndReportRulesAndDisagreeingNamesAreRejected() {
        ConfigApplier applier = new ConfigApplier(config, codec, box);
        ObjectNode agent = (ObjectNode) body.get("agent");
        agent.remove("statusIntervalS");
        agent.put("heartbeatS", 90);
        agent.putObject("report").putObject("numbers").putObject("rttMs").put("changePct", 20).put("minDelta", 5);
        applier.onDesired(signed("box-1", 1, body, key));
        assertEquals(List.of("1 applied null"), box.reports);
        AgentConfig effective = ConfigApplier.effective(config, box.running);
        assertEquals(90, effective.heartbeatS());
        assertEquals(new org.syncready.agent.config.ReportRules.NumberRule(20, 5, List.of(150.0, 400.0)),
                effective.report().rule(org.syncready.agent.config.ReportRules.Metric.RTT_MS));

        agent.put("statusIntervalS", 10);
        applier.onDesired(signed("box-1", 2, body, key));
        assertEquals("2 rejected agent settings cannot run: field 'agent.heartbeatS' is 90 but agent.statusIntervalS, its old name, is 10;"
                + " give only heartbeatS", box.reports.get(1));
        assertEquals(1L, applier.runningVersion(), "the running version stays");
    }

    @Test
    void rejectsBadSignatureWrongHashOtherBoxAndSchemaFailuresAndKeepsRunning() throws Exception {
        ConfigApplier applier = new ConfigApplier(config, codec, box);
        applier.onDesired(signed("box-1", 1, body, key));
        JsonNode good = box.running;

        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        applier.onDesired(signed("box-1", 2, body, other));
        ConfigDesired tampered = signed("box-1", 3, body, key);
        ObjectNode changed = body.deepCopy();
        ((ObjectNode) changed.get("video")).put("bitrateKbps", 5000);
        applier.onDesired(new ConfigDesired(1, "box-1", 1, 3, PROFILE, tampered.sha256(), changed, tampered.sig()));
        applier.onDesired(signed("box-2", 4, body, key));
        ObjectNode invalid = body.deepCopy();
        ((ObjectNode) invalid.get("video")).put("fps", 60);
        applier.onDesired(signed("box-1", 5, invalid, key));

        assertEquals(5, box.reports.size(), box.reports.toString());
        assertTrue(box.reports.get(1).startsWith("2 rejected signature does not verify"), box.reports.get(1));
        assertTrue(box.reports.get(2).startsWith("3 rejected sha256 does not match"), box.reports.get(2));
        assertTrue(box.reports.get(3).startsWith("4 rejected document is for box box-2"), box.reports.get(3));
        assertTrue(box.reports.get(4).startsWith("5 rejected body does not validate against generic-recorder-b.schema.json: /video/fps"),
                box.reports.get(4));
        assertEquals(good, box.running, "still running version 1");
        assertEquals(1L, applier.runningVersion());

        // A forged version 2 did not burn the number: the controller's real version 2 still applies.
        applier.onDesired(signed("box-1", 6, body, key));
        assertEquals("6 applied null", box.reports.get(5));
    }

    @Test
    void rollsBackWhenAConfiguredCameraIsMissingAndDoesNotRetryThatVersion() throws Exception {
        ConfigApplier applier = new ConfigApplier(config, codec, box);
        applier.onDesired(signed("box-1", 1, body, key));
        byte[] v1File = Files.readAllBytes(data.resolve("config/box-1/current.json"));

        ObjectNode ptz = body.deepCopy();
        // The blackboard camera swapped for a PTZ camera this box does not have.
        ((ObjectNode) ptz.get("cameras").get(2)).put("id", "cam-ptz").put("url", "rtsp://192.168.20.14/live");
        ((ObjectNode) ptz.get("agent")).put("statusIntervalS", 7);
        applier.onDesired(signed("box-1", 2, ptz, key));

        assertEquals("2 rolled_back camera cam-ptz: not found on this box", box.reports.get(1));
        assertEquals(10, box.running.path("agent").path("statusIntervalS").asInt(), "version 1's settings are back");
        assertEquals(1L, applier.runningVersion());
        assertEquals(List.of(1L, 2L, 1L), box.versions, "applied 1, tried 2, back to 1");
        assertTrue(java.util.Arrays.equals(v1File, Files.readAllBytes(data.resolve("config/box-1/current.json"))));

        applier.onDesired(signed("box-1", 2, ptz, key));
        assertEquals(2, box.reports.size(), "a rolled-back version is not retried on reconnect");
        FakeBox restarted = new FakeBox();
        ConfigApplier again = new ConfigApplier(config, codec, restarted);
        assertEquals(1L, again.runningVersion());
        again.onDesired(signed("box-1", 2, ptz, key));
        assertEquals(List.of(), restarted.reports, "nor after a restart: the handled document is remembered");
    }

    @Test
    void aDocumentNotNewerThanTheLastOneActedOnIsRejectedSayingWhyNotIgnored() {
        ConfigApplier applier = new ConfigApplier(config, codec, box);
        applier.onDesired(signed("box-1", 3, body, key));
        applier.onDesired(signed("box-1", 3, body, key));
        assertEquals(List.of("3 applied null"), box.reports, "the retained copy of the running document: nothing to say");

        // A controller restored from an older backup numbers from where its database was.
        ObjectNode other = body.deepCopy();
        ((ObjectNode) other.get("video")).put("bitrateKbps", 3500);
        applier.onDesired(signed("box-1", 1, other, key));
        applier.onDesired(signed("box-1", 3, other, key));
        assertEquals("1 rejected version 1 is not newer than 3, the last version this box acted on (it runs 3): send a higher version",
                box.reports.get(1));
        assertEquals("3 rejected version 3 is not newer than 3, the last version this box acted on (it runs 3) with another document: "
                + "send a higher version", box.reports.get(2));
        assertEquals(body, box.running, "still running version 3");

        // The same refusal after a restart, and the controller's next version above it applies.
        FakeBox restarted = new FakeBox();
        ConfigApplier again = new ConfigApplier(config, codec, restarted);
        again.onDesired(signed("box-1", 3, body, key));
        again.onDesired(signed("box-1", 2, other, key));
        again.onDesired(signed("box-1", 4, other, key));
        assertEquals(List.of("2 rejected version 2 is not newer than 3, the last version this box acted on (it runs 3): "
                + "send a higher version", "4 applied null"), restarted.reports);
    }

    @Test
    void aFirstConfigThatFailsFallsBackToAgentYamlAlone() {
        ConfigApplier applier = new ConfigApplier(config, codec, box);
        box.streamStopsOnApply = true;
        applier.onDesired(signed("box-1", 1, body, key));
        assertEquals("1 rolled_back stream: stopped pushing after applying (encoder refused)", box.reports.get(0));
        assertNull(box.running);
        assertNull(applier.runningVersion());
        assertFalse(Files.exists(data.resolve("config/box-1/current.json")));
    }

    @Test
    void theModelsApplyHookRunsWithTheBodyAndItsFailureRollsBack() throws Exception {
        Path hook = data.resolve("apply-hook.sh");
        Path seen = data.resolve("hook-saw.json");
        // A stand-in for a model's encoder tool: keeps what it was given, refuses 60 fps... and 1.2 Mbit/s.
        Files.writeString(hook, "#!/bin/sh\ncp \"$1\" " + seen + "\nif grep -q '\"bitrateKbps\":1200' \"$1\"; then\n"
                + "  echo 'starting encoder'; echo 'encoder refused 1200 kbit/s' >&2; exit 3\nfi\nexit 0\n");
        hook.toFile().setExecutable(true);
        AgentConfig hooked = new AgentConfig(config.boxId(), config.broker(), config.model(), config.firmwareVersion(),
                config.statusIntervalS(), config.probeIntervalS(), config.probeTimeoutMs(), config.dataDir(), config.probes(),
                config.network(), config.simulation(), config.cameras(), config.cameraChecks(),
                new AgentConfig.ConfigApply(config.configApply().controllerKeys(), hook), config.microphones(), config.controller(),
                config.ntp(), config.stream(), config.outbox());
        ConfigApplier applier = new ConfigApplier(hooked, codec, box);
        applier.onDesired(signed("box-1", 1, body, key));
        assertEquals("1 applied null", box.reports.get(0));
        assertEquals(body, new com.fasterxml.jackson.databind.ObjectMapper().readTree(seen.toFile()), "the hook got the body");

        ObjectNode low = body.deepCopy();
        ((ObjectNode) low.get("video")).put("bitrateKbps", 1200);
        applier.onDesired(signed("box-1", 2, low, key));
        assertEquals("2 rolled_back apply hook exited 3: encoder refused 1200 kbit/s", box.reports.get(1));
        assertEquals(body, new com.fasterxml.jackson.databind.ObjectMapper().readTree(seen.toFile()), "the hook re-applied version 1");
        assertEquals(1L, applier.runningVersion());
    }

    @Test
    void withoutAPinnedKeyEverythingIsRejected() {
        AgentConfig unpinned = config.toBuilder().controllerKeys(List.of()).build();
        new ConfigApplier(unpinned, codec, box).onDesired(signed("box-1", 1, body, key));
        assertTrue(box.reports.get(0).startsWith("1 rejected no controller key pinned"), box.reports.get(0));
    }

    static ConfigDesired signed(String boxId, long version, JsonNode body, KeyPair key) {
        String sha = ConfigSigning.sha256(body);
        return new ConfigDesired(1, boxId, System.currentTimeMillis(), version, PROFILE, sha, body,
                ConfigSigning.sign(key.getPrivate(), boxId, version, PROFILE, sha));
    }

    /** A box with the hardware of generic-recorder-b/classroom-1080p. */
    private static final class FakeBox implements ConfigTarget {
        final List<String> reports = new ArrayList<>();
        final List<Long> versions = new ArrayList<>();
        JsonNode running;
        boolean streamStopsOnApply;

        @Override
        public void reconfigure(JsonNode body, long version) {
            running = body;
            versions.add(version);
        }

        @Override
        public Snapshot probeNow() {
            List<CameraStatus> cams = new ArrayList<>();
            for (String id : List.of("cam-teacher", "cam-student", "cam-blackboard")) {
                cams.add(new CameraStatus(id, CameraRole.OTHER, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 4000, false, null));
            }
            boolean pushing = !(streamStopsOnApply && running != null);
            return new Snapshot(System.currentTimeMillis(), cams, List.of(),
                    new NetworkStatus("up", "eth0", null, null, null, null, null, List.of()),
                    new SystemStatus(null, null, null, null, null),
                    new StreamStatus(pushing, "rtmp://x", null, null, pushing ? null : "encoder refused"), Map.of());
        }

        @Override
        public boolean camerasProbed() {
            return true;
        }

        @Override
        public boolean brokerReachable(Duration wait) {
            return true;
        }

        @Override
        public void report(long version, Result result, String error) {
            reports.add(version + " " + result + " " + error);
        }
    }
}
