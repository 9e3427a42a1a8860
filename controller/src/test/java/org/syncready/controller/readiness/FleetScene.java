package org.syncready.controller.readiness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.InMemoryFleetStore;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

/**
 * A small bureau for readiness tests: a lead classroom and three remote ones with a box each (the
 * fourth remote has none), and statuses built field by field and fed to a real {@link LiveFleet}. The
 * registry keeps its rows in memory: readiness needs no database.
 */
final class FleetScene {
    final FleetRegistry registry;
    final LiveFleet fleet = new LiveFleet();
    private long seq = 1;
    /** Each box's latest status ts: a box's clock only moves forward, and each box has its own clock. */
    private final Map<String, Long> lastTs = new HashMap<>();

    FleetScene() throws Exception {
        registry = FleetRegistry.load(new InMemoryFleetStore(), "controller-secret");
        registry.addSchool("lead-school", "实验小学", "Lead School");
        registry.addSchool("rural", "乡村小学", "Rural School");
        registry.addClassroom("c-lead", "lead-school", "一年级", "Grade 1");
        registry.registerBox("b-lead", "c-lead", "m");
        for (int i = 1; i <= 3; i++) {
            registry.addClassroom("c-r" + i, "rural", "教室" + i, "Room " + i);
            registry.registerBox("b-r" + i, "c-r" + i, "m");
        }
        registry.addClassroom("c-empty", "rural", "空教室", "Empty room");
    }

    /** A healthy status, to be changed with the builder's methods. */
    static Status healthy() {
        return new Status();
    }

    void online(String box, Status status) {
        online(box, status, System.currentTimeMillis());
    }

    void online(String box, Status status, long receivedAt) {
        online(box, status, receivedAt, receivedAt);
    }

    /** As {@link #online(String, Status, long)}, the box's messages stamped {@code boxTs} by its own clock. */
    void online(String box, Status status, long receivedAt, long boxTs) {
        String boot = "boot-" + box;
        fleet.apply(new StateMessage(1, box, boxTs, boot, seq++, 1, StateMessage.Presence.ONLINE), "{}", false, receivedAt);
        fleet.apply(new BirthMessage(1, box, boxTs, boot, seq++, "a", "f", "m", 10, null, null, null), "{}", false, receivedAt);
        // The box's clock only moves forward, even when a test backdates when the controller received it.
        // Kept per box: one shared clock made a backdated box inherit another box's "now" and look skewed
        // by a minute whenever the two calls fell within the same millisecond or two.
        long ts = lastTs.merge(box, boxTs, (previous, given) -> Math.max(previous + 1, given));
        fleet.apply(status.build(box, boot, seq++, ts), "{}", false, receivedAt);
    }

    void offline(String box) {
        long now = System.currentTimeMillis();
        fleet.apply(new StateMessage(1, box, now, "boot-" + box, seq++, 1, StateMessage.Presence.OFFLINE), "{}", false, now);
    }

    static final class Status {
        final List<CameraStatus> cameras = new ArrayList<>(List.of(
                cam("cam-teacher", CameraRole.TEACHER, DeviceState.OK, null, null),
                cam("cam-student", CameraRole.STUDENT, DeviceState.OK, null, null)));
        final List<MicrophoneStatus> mics = new ArrayList<>(List.of(
                new MicrophoneStatus("mic-room", "room", DeviceState.OK, -28.0, -9.0, false, false, null)));
        Double rtt = 20.0;
        Double jitter = 3.0;
        Double loss = 0.0;
        Integer uplink = 20_000;
        Double ntp = 5.0;
        Long diskFree = 100_000L;
        final List<EquipmentStatus> equipment = new ArrayList<>();
        String link = "up";
        /** The box's heartbeat (status intervalS): 10 s, the periodic figure of agents before report by exception. */
        int heartbeatS = 10;
        /** How long before the status the uplink was measured (box clock); null: the status does not say. */
        Long uplinkMeasuredAgoMs;
        StreamStatus stream = new StreamStatus(true, "rtmp://stream.example.org/live/room", 4100, 0L, null, true);
        final List<NetworkTarget> targets = new ArrayList<>(List.of(
                new NetworkTarget("stream", "stream.example.org", 1935, true, 21.0, null)));

        /** The status a box of a session has when its stream server is {@code host}:1935 (reachable or not). */
        Status streamServer(String host, boolean reachable) {
            targets.clear();
            targets.add(new NetworkTarget("stream", host, 1935, reachable, reachable ? 21.0 : null, reachable ? null : "connect timed out"));
            return this;
        }

        Status noTargets() {
            targets.clear();
            return this;
        }

        Status stream(StreamStatus s) {
            stream = s;
            return this;
        }

        /** A box reporting by exception with this heartbeat. */
        Status heartbeat(int seconds) {
            heartbeatS = seconds;
            return this;
        }

        Status linkDown() {
            link = "down";
            return this;
        }

        Status camera(String id, CameraRole role, DeviceState state, String error) {
            cameras.removeIf(c -> c.id().equals(id));
            cameras.add(cam(id, role, state, error, null));
            return this;
        }

        Status mic(String id, boolean muted, boolean clipping) {
            mics.removeIf(m -> m.id().equals(id));
            mics.add(new MicrophoneStatus(id, "room", DeviceState.OK, muted ? -80.0 : -28.0, muted ? -75.0 : -0.1, muted, clipping, null));
            return this;
        }

        Status network(Double rttMs, Double jitterMs, Double lossPct, Integer uplinkKbps, Double ntpOffsetMs) {
            rtt = rttMs;
            jitter = jitterMs;
            loss = lossPct;
            uplink = uplinkKbps;
            ntp = ntpOffsetMs;
            return this;
        }

        /** A microphone that hears nothing, as the probes report it: a fault with the level of silence. */
        Status micSilent(String id) {
            mics.removeIf(m -> m.id().equals(id));
            mics.add(new MicrophoneStatus(id, "room", DeviceState.FAULT, -90.0, -84.0, false, false, "silent: no signal above -60 dBFS"));
            return this;
        }

        Status disk(long freeMb) {
            diskFree = freeMb;
            return this;
        }

        Status equipment(EquipmentStatus item) {
            equipment.removeIf(e -> e.name().equals(item.name()));
            equipment.add(item);
            return this;
        }

        private static CameraStatus cam(String id, CameraRole role, DeviceState state, String error, Boolean frozen) {
            return new CameraStatus(id, role, CameraKind.RTSP, state, 1920, 1080, 25.0, 4000, frozen, error);
        }

        StatusMessage build(String box, String boot, long seq, long ts) {
            return new StatusMessage(1, box, ts, boot, seq, heartbeatS, cameras, mics,
                    new NetworkStatus(link, "eth0", rtt, jitter, loss, uplink, ntp, targets,
                            uplinkMeasuredAgoMs == null ? null : ts - uplinkMeasuredAgoMs, null),
                    new SystemStatus(10.0, 30.0, diskFree, 45.0, 1000L), stream, equipment);
        }
    }
}
