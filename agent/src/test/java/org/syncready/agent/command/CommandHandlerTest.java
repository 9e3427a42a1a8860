package org.syncready.agent.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.syncready.agent.camera.FfmpegDeepCheck;
import org.syncready.agent.mqtt.IncomingCommand;
import org.syncready.agent.probe.Snapshot;
import org.syncready.agent.sim.SimulatedFaults;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

class CommandHandlerTest {
    record Reply(String id, boolean ok, JsonNode result, String error) {
    }

    private final List<String> events = new ArrayList<>();
    private final List<Reply> replies = new ArrayList<>();
    private Snapshot next = snapshot(DeviceState.OK, true, List.of(), 5000L);

    /** Records what the handler asks of it; tests set the deep checks and network check errors it reports. */
    private final class FakeTarget implements CommandTarget {
        Map<String, FfmpegDeepCheck.Result> deepChecks = Map.of();
        Optional<String> networkCheckErrors = Optional.empty();
        /** Null: a box with real probes. */
        SimulatedFaults faults;

        @Override
        public Optional<FaultSet> simulate(FaultChange change) {
            events.add("simulate");
            return faults == null ? Optional.empty() : Optional.of(faults.apply(change));
        }

        @Override
        public void hang(java.time.Duration d) {
            events.add("hang " + d.toSeconds() + " s");
        }

        @Override
        public Map<String, FfmpegDeepCheck.Result> cameraDeepChecks() {
            return deepChecks;
        }

        @Override
        public Snapshot probeNow() {
            events.add("probe");
            return next;
        }

        @Override
        public Snapshot probeThoroughly() {
            events.add("network checks");
            return probeNow();
        }

        @Override
        public Optional<String> networkCheckErrors() {
            return networkCheckErrors;
        }

        @Override
        public Optional<StatusMessage> publishStatus() {
            events.add("status");
            return Optional.of(next.toStatus("box-1", "boot-1", 12, 1, 10));
        }

        @Override
        public boolean publishBirth() {
            events.add("birth");
            return true;
        }

        @Override
        public CompletableFuture<?> reply(IncomingCommand command, boolean ok, JsonNode result, String error) {
            events.add("reply");
            replies.add(new Reply(command.request().id(), ok, result, error));
            return CompletableFuture.completedFuture(null);
        }
    }

    private final FakeTarget target = new FakeTarget();
    private final CommandHandler handler = new CommandHandler("box-1", target, new MessageCodec().mapper(),
            code -> events.add("exit " + code));

    @Test
    void unknownTypesAreAnsweredWithAnError() {
        handle("c1", "dance");
        Reply r = replies.get(0);
        assertFalse(r.ok());
        assertEquals("unknown command type 'dance'", r.error());
        assertNull(r.result());
    }

    @Test
    void rebirthRepublishesBirthThenStatus() {
        handle("c2", "rebirth");
        assertEquals(List.of("birth", "status", "reply"), events);
        assertTrue(replies.get(0).ok());
        assertEquals(12, replies.get(0).result().get("statusSeq").asLong());
    }

    @Test
    void reprobeProbesPublishesAndRepliesWithTheStatus() {
        handle("c3", "reprobe");
        assertEquals(List.of("probe", "status", "reply"), events);
        JsonNode status = replies.get(0).result();
        assertEquals(12, status.get("seq").asLong());
        assertEquals("cam-1", status.get("cameras").get(0).get("id").asText());
    }

    @Test
    void restartRepliesFirstThenCallsTheExitHook() {
        handle("c4", "restart-agent");
        assertEquals(List.of("reply", "exit " + CommandHandler.RESTART_EXIT_CODE), events);
        assertTrue(replies.get(0).ok());
    }

    @Test
    void selftestPassesOnlyWhenEveryCheckIsOk() {
        handle("c5", "selftest");
        JsonNode report = replies.get(0).result();
        assertTrue(report.get("passed").booleanValue(), report.toString());
        assertEquals(0, report.get("failed").size());
        assertEquals(List.of("camera", "microphone", "network", "stream", "system"), types(report));
        JsonNode stream = report.get("checks").get(3);
        assertTrue(stream.get("pushing").booleanValue(), stream.toString());
        assertEquals("rtmp://s/live/box-1", stream.get("target").asText());
        assertEquals(4500, stream.get("bitrateKbps").asInt());
        assertEquals(0, stream.get("droppedFrames").asLong());

        next = snapshot(DeviceState.FAULT, false, List.of(
                new NetworkTarget("controller", "10.0.0.1", 1883, true, 20.0, null),
                new NetworkTarget("stream", "10.0.0.2", 1935, false, null, "connection refused")), 200L);
        handle("c6", "selftest");
        report = replies.get(1).result();
        assertFalse(report.get("passed").booleanValue());
        String failed = report.get("failed").toString();
        assertTrue(failed.contains("camera cam-1: no signal"), failed);
        assertTrue(failed.contains("network eth0: 1 of 2 targets unreachable"), failed);
        assertTrue(failed.contains("stream stream: stream stopped"), failed);
        assertTrue(failed.contains("system system: disk low: 200 MB free"), failed);
        assertTrue(failed.contains("probe microphone: timed out after 2000 ms"), failed);
    }

    @Test
    void selftestReportsTheCameraDeepChecksRunForIt() {
        CameraStatus frozen = new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.RTSP, DeviceState.FAULT, 1280, 720,
                25.0, 2000, true, "picture frozen", "h264", false, "rtsp://10.0.0.7/live", 5L);
        next = new Snapshot(1, List.of(frozen), List.of(), next.network(), next.system(), null, Map.of());
        FfmpegDeepCheck.Result deep = new FfmpegDeepCheck.Result(5, null, "h264", 1280, 720, 25.1, true, false, 126, 5.02, false);
        target.deepChecks = Map.of("cam-1", deep);
        handle("c8", "selftest");
        JsonNode report = replies.get(0).result();
        JsonNode cam = report.get("checks").get(0);
        assertFalse(report.get("passed").booleanValue());
        assertEquals("h264", cam.get("codec").asText());
        assertTrue(cam.get("frozen").booleanValue());
        assertEquals("rtsp://10.0.0.7/live", cam.get("source").asText());
        JsonNode d = cam.get("deepCheck");
        assertFalse(d.get("ok").booleanValue(), d.toString());
        assertTrue(d.get("frozen").booleanValue());
        assertEquals(126, d.get("frames").asLong());
        assertEquals(25.1, d.get("fps").asDouble());
        assertTrue(report.get("failed").toString().contains("camera cam-1: picture frozen"), report.toString());
    }

    @Test
    void selftestRunsTheNetworkChecksAndReportsTheirErrors() {
        target.networkCheckErrors = Optional.of("speed test refused: the controller does not accept this box's credentials");
        handle("c9", "selftest");
        assertEquals(List.of("network checks", "probe", "status", "reply"), events);
        JsonNode network = null;
        for (JsonNode check : replies.get(0).result().get("checks")) {
            if (check.get("type").asText().equals("network")) {
                network = check;
            }
        }
        assertTrue(network.get("checkErrors").asText().contains("credentials"), String.valueOf(network));
        assertTrue(network.get("passed").booleanValue(), "informational: loss and uplink are judged by the controller");
    }

    @Test
    void aFailingCommandIsAnsweredNotThrown() {
        CommandHandler broken = new CommandHandler("box-1", new CommandTarget() {
            @Override
            public Snapshot probeNow() {
                throw new IllegalStateException("probe thread gone");
            }

            @Override
            public Optional<StatusMessage> publishStatus() {
                return Optional.empty();
            }

            @Override
            public boolean publishBirth() {
                return false;
            }

            @Override
            public CompletableFuture<?> reply(IncomingCommand command, boolean ok, JsonNode result, String error) {
                replies.add(new Reply(command.request().id(), ok, result, error));
                return CompletableFuture.completedFuture(null);
            }
        }, new MessageCodec().mapper(), code -> { });
        broken.handle(command("c7", "selftest"));
        assertFalse(replies.get(0).ok());
        assertEquals("command failed: probe thread gone", replies.get(0).error());
    }

    @Test
    void simulateSwitchesFaultsPublishesTheirStatusThenAnswersWithThem() throws Exception {
        target.faults = new SimulatedFaults(List.of("cam-1"), List.of("mic-1"));
        handle("s1", "simulate", "{\"cameras\": {\"cam-1\": \"frozen\"}, \"uplinkKbps\": 200}");
        assertEquals(List.of("simulate", "probe", "status", "reply"), events, "the status goes out before the answer");
        Reply r = replies.get(0);
        assertTrue(r.ok(), r.toString());
        assertEquals("{\"cameras\":{\"cam-1\":\"frozen\"},\"uplinkKbps\":200}", r.result().get("faults").toString());
        assertEquals("[\"camera cam-1: frozen\",\"uplink 200 kbit/s\"]", r.result().get("active").toString());
        assertFalse(r.result().has("hangS"));

        handle("s2", "simulate", "{}");
        assertEquals(r.result().get("faults"), replies.get(1).result().get("faults"), "{} asks, changes nothing");
    }

    @Test
    void simulateHangsOnlyAfterTheAnswerIsOut() throws Exception {
        target.faults = new SimulatedFaults(List.of("cam-1"), List.of("mic-1"));
        handle("s3", "simulate", "{\"hangS\": 40}");
        assertEquals(List.of("simulate", "probe", "status", "reply", "hang 40 s"), events);
        assertEquals(40, replies.get(0).result().get("hangS").intValue());
    }

    @Test
    void simulateIsRefusedByRealProbesAndForArgsItCannotApply() throws Exception {
        handle("s4", "simulate", "{\"rttMs\": 250}");
        assertFalse(replies.get(0).ok());
        assertEquals(CommandHandler.REAL_PROBES, replies.get(0).error());

        target.faults = new SimulatedFaults(List.of("cam-1"), List.of("mic-1"));
        handle("s5", "simulate", "{\"rtt\": 250, \"lossPct\": -1}");
        assertFalse(replies.get(1).ok());
        assertTrue(replies.get(1).error().startsWith("simulate refused: /rtt: is not a fault"), replies.get(1).error());
        assertTrue(replies.get(1).error().contains("/lossPct: must be a number from 0 to 100"), replies.get(1).error());
        handle("s6", "simulate", "{\"cameras\": {\"cam-9\": \"absent\"}, \"rttMs\": 250}");
        assertFalse(replies.get(2).ok());
        assertTrue(replies.get(2).error().contains("this box has no camera 'cam-9'; it has [cam-1]"), replies.get(2).error());
        assertTrue(target.faults.current().healthy(), "a refused change changes nothing");
        assertFalse(events.contains("status"), "and publishes nothing");
    }

    private void handle(String id, String type) {
        handler.handle(command(id, type));
    }

    private void handle(String id, String type, String args) throws Exception {
        handler.handle(new IncomingCommand(new CommandRequest(Protocol.VERSION, "box-1", 1, id, type,
                new MessageCodec().mapper().readTree(args)), null, null));
    }

    private static IncomingCommand command(String id, String type) {
        return new IncomingCommand(new CommandRequest(Protocol.VERSION, "box-1", 1, id, type, null), null, null);
    }

    private static List<String> types(JsonNode report) {
        List<String> types = new ArrayList<>();
        report.get("checks").forEach(c -> types.add(c.get("type").asText()));
        return types;
    }

    private static Snapshot snapshot(DeviceState camera, boolean pushing, List<NetworkTarget> targets, long diskMb) {
        CameraStatus cam = new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.USB, camera, 1920, 1080, 25.0, 4000,
                false, camera == DeviceState.OK ? null : "no signal");
        MicrophoneStatus mic = new MicrophoneStatus("mic-1", "teacher", DeviceState.OK, -30.0, -20.0, false, false, null);
        return new Snapshot(1, List.of(cam), List.of(mic),
                new NetworkStatus("up", "eth0", 20.0, 1.0, 0.0, null, null, targets),
                new SystemStatus(5.0, 40.0, diskMb, 50.0, 1000L),
                new StreamStatus(pushing, "rtmp://s/live/box-1", 4500, 0L, pushing ? null : "stream stopped"),
                pushing ? Map.of() : Map.of("microphone", "timed out after 2000 ms"));
    }
}
