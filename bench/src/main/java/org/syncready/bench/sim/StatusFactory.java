package org.syncready.bench.sim;

import java.util.List;
import java.util.Map;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceInfo;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

/**
 * Messages of a typical 4-camera, 2-microphone classroom box, shaped like the examples in
 * PROTOCOL.md: a status encodes to about 1.3 KB, the size real boxes send.
 */
public final class StatusFactory {
    /** The camera that an injected fault breaks. */
    public static final String FAULT_CAMERA = "cam-board";
    public static final String MODEL = "generic-recorder-a";

    private StatusFactory() {
    }

    public static StatusMessage status(String boxId, String bootId, long ts, long seq, int intervalS, boolean cameraFault) {
        List<CameraStatus> cameras = List.of(
                new CameraStatus("cam-teacher", CameraRole.TEACHER, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 4096, false, null),
                new CameraStatus("cam-student", CameraRole.STUDENT, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 3980, false, null),
                cameraFault
                        ? new CameraStatus(FAULT_CAMERA, CameraRole.BLACKBOARD, CameraKind.RTSP, DeviceState.FAULT, null, null, null, null, true, "no frames for 10 s (simulated fault)")
                        : new CameraStatus(FAULT_CAMERA, CameraRole.BLACKBOARD, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 4010, false, null),
                new CameraStatus("cam-wide", CameraRole.WIDE, CameraKind.USB, DeviceState.OK, 1280, 720, 25.0, 2048, false, null));
        List<MicrophoneStatus> microphones = List.of(
                new MicrophoneStatus("mic-front", "teacher", DeviceState.OK, -38.2, -14.5, false, false, null),
                new MicrophoneStatus("mic-rear", "student", DeviceState.OK, -44.9, -21.0, false, false, null));
        NetworkStatus network = new NetworkStatus("up", "eth0", 18.4, 3.1, 0.2, 18500, -4.2, List.of(
                new NetworkTarget("stream", "stream.example.org", 1935, true, 21.7, null),
                new NetworkTarget("stream-backup", "stream-backup.example.org", 1935, true, 24.9, null),
                new NetworkTarget("controller", "controller.district.example.org", 1883, true, 3.2, null)));
        SystemStatus system = new SystemStatus(37.5, 52.0, 41230L, 61.5, 86400L);
        StreamStatus stream = new StreamStatus(true, "rtmp://stream.example.org/live/" + boxId, 4100, 12L, null);
        return new StatusMessage(Protocol.VERSION, boxId, ts, bootId, seq, intervalS, cameras, microphones, network, system, stream);
    }

    public static BirthMessage birth(String boxId, String bootId, long ts, long seq, int intervalS, Long configVersion) {
        return birth(boxId, bootId, ts, seq, intervalS, configVersion, null);
    }

    /** A birth; {@code heartbeatS} non-null announces report by exception (PROTOCOL.md 5.6). */
    public static BirthMessage birth(String boxId, String bootId, long ts, long seq, int intervalS, Long configVersion,
                                     Integer heartbeatS) {
        return new BirthMessage(Protocol.VERSION, boxId, ts, bootId, seq, "0.1.0-sim", "GRA-2.4.7", MODEL, intervalS,
                configVersion,
                Map.of("rtsp", new Capability(true, null), "alsa", new Capability(true, null),
                        "udpEcho", new Capability(true, null), "ffprobe", new Capability(false, "simulated box")),
                List.of(new DeviceInfo("camera", "cam-teacher", "teacher", "rtsp", "PTZ tracking camera"),
                        new DeviceInfo("camera", "cam-student", "student", "rtsp", "PTZ camera"),
                        new DeviceInfo("camera", FAULT_CAMERA, "blackboard", "rtsp", "Fixed camera"),
                        new DeviceInfo("camera", "cam-wide", "wide", "usb", "USB wide-angle camera"),
                        new DeviceInfo("microphone", "mic-front", "teacher", null, "Ceiling array, front"),
                        new DeviceInfo("microphone", "mic-rear", "student", null, "Ceiling array, rear"),
                        new DeviceInfo("network", "eth0", null, "ethernet", null),
                        new DeviceInfo("stream", "main", null, null, null)), null, heartbeatS);
    }
}
