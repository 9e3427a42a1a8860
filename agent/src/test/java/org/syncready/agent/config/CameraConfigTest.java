package org.syncready.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;

/** agent.yaml's {@code cameras:} and {@code cameraChecks:}. */
class CameraConfigTest {
    @TempDir
    Path dir;

    private static final String MINIMAL = """
            boxId: box-1
            broker:
              uri: tcp://127.0.0.1:1883
              password: secret
            """;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("agent.yaml"), yaml);
    }

    @Test
    void readsEveryCameraField() throws IOException {
        Files.writeString(dir.resolve("cam.pass"), "c4m-pass\n");
        AgentConfig c = ConfigLoader.load(write(MINIMAL + """
                cameras:
                  - id: cam-teacher
                    role: teacher
                    kind: rtsp
                    url: rtsp://192.168.10.11:554/Streaming/Channels/101
                    username: admin
                    passwordFile: cam.pass
                    minFps: 20
                    minBitrateKbps: 1500
                    checkIntervalS: 15
                    measureS: 4
                    deepCheckIntervalS: 600
                  - {id: cam-wide, role: wide, kind: usb, device: /dev/video0}
                  - {id: cam-board, kind: onvif, onvif: "http://192.168.10.13/onvif/device_service", username: admin, password: pw, minFps: 12.5}
                cameraChecks:
                  ffmpeg: /usr/bin/ffmpeg
                  deepWindowS: 8
                  timeoutMs: 4000
                  freezeNoiseDb: -70
                """));
        CameraSource t = c.cameras().get(0);
        assertEquals(new CameraSource("cam-teacher", CameraRole.TEACHER, CameraKind.RTSP, null,
                "rtsp://192.168.10.11:554/Streaming/Channels/101", "admin", "c4m-pass", null, 20, 1500, 15, 4, 600), t);
        CameraSource wide = c.cameras().get(1);
        assertEquals("/dev/video0", wide.device());
        assertEquals(30, wide.checkIntervalS());
        assertEquals(3, wide.measureS());
        assertEquals(0, wide.deepCheckIntervalS(), "usb: deep checks only on self-test unless configured");
        assertEquals(300, c.cameras().get(2).deepCheckIntervalS());
        assertEquals(0.0, wide.minFps());
        CameraSource board = c.cameras().get(2);
        assertEquals(CameraRole.OTHER, board.role());
        assertEquals(12.5, board.minFps());
        assertEquals(new CameraChecks("/usr/bin/ffmpeg", 8, 4000, -70), c.cameraChecks());
        assertFalse(t.toString().contains("c4m-pass"), "the password never reaches a log: " + t);
        assertFalse(board.toString().contains("pw,"), board.toString());
    }

    @Test
    void noCamerasByDefault() throws IOException {
        AgentConfig c = ConfigLoader.load(write(MINIMAL));
        assertTrue(c.cameras().isEmpty());
        assertEquals(CameraChecks.DEFAULT, c.cameraChecks());
        assertEquals(c.cameras(), c.toBuilder().build().cameras());
    }

    static Stream<Arguments> badCameras() {
        return Stream.of(
                Arguments.of("no id", "cameras: [{kind: usb, device: /dev/video0}]", "field 'cameras[0].id' is missing"),
                Arguments.of("no kind", "cameras: [{id: a, device: /dev/video0}]", "field 'cameras[0].kind' is missing: usb, rtsp or onvif"),
                Arguments.of("bad kind", "cameras: [{id: a, kind: hdmi}]", "field 'cameras[0].kind' must be one of usb|rtsp|onvif, was 'hdmi'"),
                Arguments.of("bad role", "cameras: [{id: a, role: door, kind: usb, device: x}]",
                        "field 'cameras[0].role' must be one of teacher|student|blackboard|wide|other"),
                Arguments.of("usb without device", "cameras: [{id: a, kind: usb}]", "field 'cameras[0].device' is missing"),
                Arguments.of("usb with url", "cameras: [{id: a, kind: usb, device: x, url: 'rtsp://h/x'}]",
                        "field 'cameras[0].url' is only for kind rtsp, this camera is usb"),
                Arguments.of("rtsp without url", "cameras: [{id: a, kind: rtsp}]", "field 'cameras[0].url' is missing"),
                Arguments.of("rtsp with http url", "cameras: [{id: a, kind: rtsp, url: 'http://h/x'}]",
                        "field 'cameras[0].url' must look like rtsp://host[:port]/path"),
                Arguments.of("password in url", "cameras: [{id: a, kind: rtsp, url: 'rtsp://admin:pw@h/x'}]",
                        "field 'cameras[0].url' must not contain user:password@; use username and password"),
                Arguments.of("broken url", "cameras: [{id: a, kind: rtsp, url: 'rtsp://h/a b'}]", "field 'cameras[0].url' is not a valid URL"),
                Arguments.of("onvif without address", "cameras: [{id: a, kind: onvif}]", "field 'cameras[0].onvif' is missing"),
                Arguments.of("onvif rtsp address", "cameras: [{id: a, kind: onvif, onvif: 'rtsp://h/x'}]",
                        "field 'cameras[0].onvif' must look like http://host[:port]/onvif/device_service"),
                Arguments.of("password without user", "cameras: [{id: a, kind: rtsp, url: 'rtsp://h/x', password: p}]",
                        "field 'cameras[0].username' is missing: a password needs a username"),
                Arguments.of("two passwords", "cameras: [{id: a, kind: rtsp, url: 'rtsp://h/x', username: u, password: p, passwordFile: f}]",
                        "field 'cameras[0].passwordFile' cannot be set together with cameras[0].password"),
                Arguments.of("missing password file", "cameras: [{id: a, kind: rtsp, url: 'rtsp://h/x', username: u, passwordFile: nope}]",
                        "field 'cameras[0].passwordFile' cannot be read"),
                Arguments.of("negative fps", "cameras: [{id: a, kind: usb, device: x, minFps: -1}]", "field 'cameras[0].minFps' must be 0..240, was -1.0"),
                Arguments.of("fps not a number", "cameras: [{id: a, kind: usb, device: x, minFps: fast}]",
                        "field 'cameras[0].minFps' must be a number, was 'fast'"),
                Arguments.of("bitrate", "cameras: [{id: a, kind: usb, device: x, minBitrateKbps: -5}]",
                        "field 'cameras[0].minBitrateKbps' must be between 0 and 1000000, was -5"),
                Arguments.of("check interval", "cameras: [{id: a, kind: usb, device: x, checkIntervalS: 1}]",
                        "field 'cameras[0].checkIntervalS' must be between 5 and 3600, was 1"),
                Arguments.of("measure window", "cameras: [{id: a, kind: usb, device: x, measureS: 60}]",
                        "field 'cameras[0].measureS' must be between 0 and 30, was 60"),
                Arguments.of("deep interval", "cameras: [{id: a, kind: usb, device: x, deepCheckIntervalS: 10}]",
                        "field 'cameras[0].deepCheckIntervalS' must be between 60 and 86400, was 10"),
                Arguments.of("unknown field", "cameras: [{id: a, kind: usb, device: x, fps: 25}]",
                        "field 'cameras[0].fps' is not a known field; known here: id, role, kind"),
                Arguments.of("duplicate id", "cameras: [{id: a, kind: usb, device: x}, {id: a, kind: usb, device: y}]",
                        "field 'cameras' has two entries with id 'a'"),
                Arguments.of("not a list", "cameras: {id: a}", "field 'cameras' must be a list"),
                Arguments.of("deep window", "cameraChecks: {deepWindowS: 1}", "field 'cameraChecks.deepWindowS' must be between 4 and 60, was 1"),
                Arguments.of("rtsp timeout", "cameraChecks: {timeoutMs: 10}", "field 'cameraChecks.timeoutMs' must be between 200 and 30000, was 10"),
                Arguments.of("freeze noise", "cameraChecks: {freezeNoiseDb: 10}",
                        "field 'cameraChecks.freezeNoiseDb' must be between -100 and -20, was 10"),
                Arguments.of("empty ffmpeg", "cameraChecks: {ffmpeg: ''}", "field 'cameraChecks.ffmpeg' must not be empty"),
                Arguments.of("unknown check", "cameraChecks: {ffprobe: x}", "field 'cameraChecks.ffprobe' is not a known field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCameras")
    void badCameraConfigGivesAClearError(String name, String yaml, String expected) throws IOException {
        Path file = write(MINIMAL + yaml + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void theExampleConfigsPlaceholdersDescribeRealCameras() throws Exception {
        AgentConfig c = ConfigLoader.load(ExampleConfigs.withPlaceholdersUncommented(dir));
        List<CameraKind> kinds = c.cameras().stream().map(CameraSource::kind).toList();
        assertTrue(kinds.containsAll(List.of(CameraKind.USB, CameraKind.RTSP, CameraKind.ONVIF)), kinds.toString());
    }
}
