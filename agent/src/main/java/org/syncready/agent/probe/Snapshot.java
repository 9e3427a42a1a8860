package org.syncready.agent.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

/**
 * The box as one probe round saw it: the content of a status message without its envelope.
 *
 * @param sampledAtMs  when the round ran (epoch ms)
 * @param stream       null when the box has no stream probe
 * @param probeErrors  probe name → why it has no fresh value this round (empty when all answered)
 * @param equipment    classroom equipment read over OPC UA (empty when none is configured)
 */
public record Snapshot(long sampledAtMs, List<CameraStatus> cameras, List<MicrophoneStatus> microphones,
                       NetworkStatus network, SystemStatus system, StreamStatus stream,
                       Map<String, String> probeErrors, List<EquipmentStatus> equipment) {

    public Snapshot {
        cameras = List.copyOf(cameras);
        microphones = List.copyOf(microphones);
        probeErrors = Map.copyOf(probeErrors);
        equipment = equipment == null ? List.of() : List.copyOf(equipment);
    }

    /** A snapshot of a box without classroom equipment. */
    public Snapshot(long sampledAtMs, List<CameraStatus> cameras, List<MicrophoneStatus> microphones,
                    NetworkStatus network, SystemStatus system, StreamStatus stream, Map<String, String> probeErrors) {
        this(sampledAtMs, cameras, microphones, network, system, stream, probeErrors, List.of());
    }

    /** A round of a box without classroom equipment; see the full {@link #of} below. */
    public static Snapshot of(long at, ProbeResult<List<CameraStatus>> cameras,
                              ProbeResult<List<MicrophoneStatus>> microphones, ProbeResult<NetworkStatus> network,
                              ProbeResult<SystemStatus> system, ProbeResult<StreamStatus> stream) {
        return of(at, cameras, microphones, network, system, stream, null);
    }

    /**
     * Assembles a round's results; any result may be null when the box has no such probe. Devices
     * known only from a stale value are reported {@code degraded} with the probe's error: a camera
     * probe that hangs must not leave a camera looking fine forever.
     */
    public static Snapshot of(long at, ProbeResult<List<CameraStatus>> cameras,
                              ProbeResult<List<MicrophoneStatus>> microphones, ProbeResult<NetworkStatus> network,
                              ProbeResult<SystemStatus> system, ProbeResult<StreamStatus> stream,
                              ProbeResult<List<EquipmentStatus>> equipment) {
        Map<String, String> errors = new TreeMap<>();
        for (ProbeResult<?> r : new ProbeResult<?>[]{cameras, microphones, network, system, stream, equipment}) {
            if (r != null && r.error() != null) {
                errors.put(r.probe(), r.error());
            }
        }
        List<CameraStatus> cams = new ArrayList<>();
        if (cameras != null && cameras.value() != null) {
            for (CameraStatus c : cameras.value()) {
                cams.add(cameras.ok() || c.state() != DeviceState.OK ? c
                        : c.withState(DeviceState.DEGRADED, staleError(cameras)));
            }
        }
        List<MicrophoneStatus> mics = new ArrayList<>();
        if (microphones != null && microphones.value() != null) {
            for (MicrophoneStatus m : microphones.value()) {
                mics.add(microphones.ok() || m.state() != DeviceState.OK ? m
                        : new MicrophoneStatus(m.id(), m.role(), DeviceState.DEGRADED, m.levelDbfs(), m.peakDbfs(),
                        m.muted(), m.clipping(), staleError(microphones)));
            }
        }
        // Detected devices (every V4L2 node, every ALSA capture device) can outnumber what a status carries.
        if (cams.size() > Protocol.MAX_CAMERAS) {
            errors.merge("camera", cams.size() + " cameras found; a status reports the first " + Protocol.MAX_CAMERAS,
                    (a, b) -> a + "; " + b);
            cams = cams.subList(0, Protocol.MAX_CAMERAS);
        }
        if (mics.size() > Protocol.MAX_MICROPHONES) {
            errors.merge("microphone", mics.size() + " microphones found; a status reports the first "
                    + Protocol.MAX_MICROPHONES, (a, b) -> a + "; " + b);
            mics = mics.subList(0, Protocol.MAX_MICROPHONES);
        }
        NetworkStatus net = network != null && network.value() != null ? network.value()
                : new NetworkStatus("unknown", null, null, null, null, null, null, List.of());
        SystemStatus sys = system != null && system.value() != null ? system.value()
                : new SystemStatus(null, null, null, null, null);
        StreamStatus str = stream == null ? null : stream.value();
        if (stream != null && !stream.ok()) {
            str = str == null ? new StreamStatus(false, null, null, null, staleError(stream))
                    : new StreamStatus(str.pushing(), str.target(), str.bitrateKbps(), str.droppedFrames(), staleError(stream),
                    str.targetReachable());
        }
        List<EquipmentStatus> items = new ArrayList<>();
        if (equipment != null && equipment.value() != null) {
            for (EquipmentStatus e : equipment.value()) {
                // A probe round that did not finish read nothing: the last values are not this round's.
                items.add(equipment.ok() ? e : new EquipmentStatus(e.name(), e.role(), EquipmentState.UNREACHABLE, null,
                        e.expected(), e.unit(), e.source(), staleError(equipment), e.readTs()));
            }
        }
        return new Snapshot(at, cams, mics, net, sys, str, errors, items);
    }

    private static String staleError(ProbeResult<?> r) {
        return r.probe() + " probe " + r.error() + (r.value() == null ? "" : "; showing last known values");
    }

    /** The status message for this snapshot with the given envelope. */
    public StatusMessage toStatus(String boxId, String bootId, long seq, long ts, int intervalS) {
        return new StatusMessage(Protocol.VERSION, boxId, ts, bootId, seq, intervalS, cameras, microphones,
                network, system, stream, equipment);
    }

    /**
     * The part of the snapshot whose change is worth a status report at once: device states and
     * flags, equipment states, link, target reachability, stream pushing, probe health. Measured numbers (levels, RTT,
     * CPU) jitter all the time and wait for the periodic report.
     */
    public Significant significant() {
        List<String> devices = new ArrayList<>();
        for (CameraStatus c : cameras) {
            devices.add("camera " + c.id() + " " + c.state() + (c.error() == null ? "" : " " + c.error()));
        }
        for (MicrophoneStatus m : microphones) {
            devices.add("microphone " + m.id() + " " + m.state() + (m.muted() ? " muted" : "")
                    + (m.clipping() ? " clipping" : "") + (m.error() == null ? "" : " " + m.error()));
        }
        for (EquipmentStatus e : equipment) {
            devices.add("equipment " + e.name() + " " + e.state());
        }
        List<String> unreachable = network.targets().stream().filter(t -> !t.reachable()).map(NetworkTarget::name).toList();
        return new Significant(devices, network.link(), unreachable,
                stream == null ? null : stream.pushing() + (stream.error() == null ? "" : " " + stream.error()),
                probeErrors.keySet().stream().sorted().toList());
    }

    /** See {@link #significant()}; compared with equals. */
    public record Significant(List<String> devices, String link, List<String> unreachableTargets, String stream,
                              List<String> failingProbes) {
    }
}
