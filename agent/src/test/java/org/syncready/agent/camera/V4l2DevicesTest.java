package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.CameraChecks;
import org.syncready.agent.config.CameraSource;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;

/** USB cameras on a fake sysfs tree: enumeration, matching, and cameras that come and go. */
class V4l2DevicesTest {
    @TempDir
    Path root;

    private Path sys() {
        return root.resolve("sys");
    }

    private Path dev() {
        return root.resolve("dev");
    }

    /** Adds /sys/class/video4linux/videoN the way the uvcvideo driver shows it, and /dev/videoN. */
    private void plug(int n, String name, int index) throws IOException {
        Path entry = sys().resolve("class/video4linux/video" + n);
        Files.createDirectories(entry.resolve("device"));
        Files.writeString(entry.resolve("name"), name + "\n");
        Files.writeString(entry.resolve("index"), index + "\n");
        Path driver = sys().resolve("bus/usb/drivers/uvcvideo");
        Files.createDirectories(driver);
        Files.createSymbolicLink(entry.resolve("device/driver"), driver);
        Files.createDirectories(dev());
        Files.writeString(dev().resolve("video" + n), "");
    }

    private void unplug(int n) throws IOException {
        Path entry = sys().resolve("class/video4linux/video" + n);
        try (var files = Files.walk(entry)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(dev().resolve("video" + n));
    }

    @Test
    void listsPictureNodesWithNameAndDriverSkippingMetadataNodes() throws IOException {
        V4l2Devices v = new V4l2Devices(sys(), dev());
        assertFalse(v.available());
        assertTrue(v.cameras().isEmpty());
        plug(10, "Wide Cam", 0);
        plug(0, "HD Pro Webcam C920", 0);
        plug(1, "HD Pro Webcam C920", 1);
        assertTrue(v.available());
        List<V4l2Devices.Device> cams = v.cameras();
        assertEquals(List.of("video0", "video10"), cams.stream().map(V4l2Devices.Device::node).toList());
        assertEquals("HD Pro Webcam C920", cams.get(0).name());
        assertEquals("uvcvideo", cams.get(0).driver());
    }

    @Test
    void findsByNodeByNameAndThroughAByIdLink() throws IOException {
        plug(0, "Cam A", 0);
        plug(2, "Cam B", 0);
        Path byId = dev().resolve("v4l/by-id");
        Files.createDirectories(byId);
        Files.createSymbolicLink(byId.resolve("usb-Cam_B-video-index0"), dev().resolve("video2"));
        V4l2Devices v = new V4l2Devices(sys(), dev());
        List<V4l2Devices.Device> cams = v.cameras();
        assertEquals("video0", v.find("/dev/video0", cams).orElseThrow().node());
        assertEquals("video2", v.find("Cam B", cams).orElseThrow().node());
        assertEquals("video2", v.find("/dev/v4l/by-id/usb-Cam_B-video-index0", cams).orElseThrow().node());
        assertTrue(v.find("/dev/video7", cams).isEmpty());
        assertTrue(v.find("Cam C", cams).isEmpty());
    }

    @Test
    void configuredCamerasGoAbsentAndComeBackAndUnconfiguredOnesAppear() throws IOException {
        V4l2Devices v = new V4l2Devices(sys(), dev());
        Files.createDirectories(sys().resolve("class/video4linux"));
        CameraSource wide = new CameraSource("cam-wide", CameraRole.WIDE, CameraKind.USB, "/dev/video0", null, null, null,
                null, 0, 0, 30, 3, 300);
        CameraSource board = new CameraSource("cam-board", CameraRole.BLACKBOARD, CameraKind.USB, "Board Cam", null, null,
                null, null, 0, 0, 30, 3, 300);
        try (RealCameraProbe probe = new RealCameraProbe("box-1", List.of(wide, board), CameraChecks.DEFAULT, v, dev(),
                null, "ffmpeg not found", () -> 1_000L, Duration.ZERO)) {
            Map<String, CameraStatus> s = byId(probe.sample());
            assertEquals(DeviceState.ABSENT, s.get("cam-wide").state());
            assertEquals("/dev/video0 not found (USB camera unplugged?)", s.get("cam-wide").error());
            assertEquals(DeviceState.ABSENT, s.get("cam-board").state());
            assertEquals("no V4L2 camera named 'Board Cam' (USB camera unplugged?)", s.get("cam-board").error());

            plug(0, "HD Pro Webcam C920", 0);
            plug(1, "HD Pro Webcam C920", 1);
            plug(4, "Board Cam", 0);
            plug(6, "Visitor Cam", 0);
            s = byId(probe.sample());
            assertEquals(DeviceState.OK, s.get("cam-wide").state());
            assertNull(s.get("cam-wide").error());
            assertEquals(dev().resolve("video0").toString(), s.get("cam-wide").source());
            assertEquals(DeviceState.OK, s.get("cam-board").state());
            assertEquals(dev().resolve("video4").toString(), s.get("cam-board").source());
            assertEquals(DeviceState.OK, s.get("usb-video6").state());
            assertEquals(CameraRole.OTHER, s.get("usb-video6").role());
            assertEquals(3, s.size(), "the metadata node video1 is not a camera");

            unplug(0);
            unplug(6);
            s = byId(probe.sample());
            assertEquals(DeviceState.ABSENT, s.get("cam-wide").state());
            assertEquals(DeviceState.OK, s.get("cam-board").state());
            assertFalse(s.containsKey("usb-video6"));
            assertFalse(s.containsKey("usb-video1"));
        }
    }

    @Test
    void capabilitySaysWhatIsMissingOnce() throws IOException {
        V4l2Devices none = new V4l2Devices(sys(), dev());
        try (RealCameraProbe p = new RealCameraProbe("box-1", List.of(), CameraChecks.DEFAULT, none, dev(), null,
                "ffmpeg not found (install ffmpeg for deep checks)", System::currentTimeMillis, Duration.ZERO)) {
            assertFalse(p.capability().available());
            assertEquals("no V4L2 on this box and no cameras configured", p.capability().detail());
        }
        Files.createDirectories(sys().resolve("class/video4linux"));
        try (RealCameraProbe p = new RealCameraProbe("box-1", List.of(), CameraChecks.DEFAULT, none, dev(), null,
                "ffmpeg not found (install ffmpeg for deep checks)", System::currentTimeMillis, Duration.ZERO)) {
            assertTrue(p.capability().available());
            assertTrue(p.capability().detail().contains("no deep checks (frozen/black picture): ffmpeg not found"),
                    p.capability().detail());
            assertTrue(p.deepCheckNow().join().isEmpty());
        }
    }

    static Map<String, CameraStatus> byId(List<CameraStatus> list) {
        return list.stream().collect(Collectors.toMap(CameraStatus::id, Function.identity()));
    }
}
