package org.syncready.agent.camera;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.CameraChecks;
import org.syncready.agent.config.CameraSource;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;

/**
 * The camera probe end to end: real GStreamer RTSP cameras (healthy, frozen, black, behind digest
 * auth), a dead port, a silent server, an ONVIF camera, and real ffmpeg deep checks.
 */
class RealCameraProbeTest {
    private static final String PASSWORD = "pa:ss@w0rd";
    private static final CameraChecks CHECKS = new CameraChecks("ffmpeg", 4, 2000);
    static RtspTestCamera open;
    static RtspTestCamera locked;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCameras() throws Exception {
        open = RtspTestCamera.start(null, null, null);
        locked = RtspTestCamera.start("teacher", PASSWORD, "digest");
    }

    @AfterAll
    static void stopCameras() throws Exception {
        for (RtspTestCamera c : new RtspTestCamera[]{open, locked}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static CameraSource rtsp(String id, String url, String user, String password, double minFps, int deepS) {
        return new CameraSource(id, CameraRole.STUDENT, CameraKind.RTSP, null, url, user, password, null, minFps, 0,
                30, 2, deepS);
    }

    private RealCameraProbe probe(List<CameraSource> sources, Duration firstWait) {
        FfmpegDeepCheck ff = new FfmpegDeepCheck("ffmpeg");
        StringBuilder why = new StringBuilder();
        String version = ff.version(why).orElseThrow(() -> new AssertionError(why.toString()));
        return new RealCameraProbe("box-test", sources, CHECKS, new V4l2Devices(dir.resolve("sys"), dir.resolve("dev")),
                dir.resolve("dev"), ff, version, System::currentTimeMillis, firstWait);
    }

    private static Map<String, CameraStatus> sampleUntil(RealCameraProbe p, java.util.function.Predicate<Map<String, CameraStatus>> done) {
        @SuppressWarnings("unchecked")
        Map<String, CameraStatus>[] last = new Map[1];
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = V4l2DevicesTest.byId(p.sample());
            return done.test(last[0]);
        });
        return last[0];
    }

    @Test
    void healthyFrozenBlackLockedAndFlooredCameras() throws Exception {
        List<CameraSource> sources = List.of(
                rtsp("cam-ball", open.url("ball"), null, null, 20, 60),
                rtsp("cam-frozen", open.url("smpte"), null, null, 0, 60),
                rtsp("cam-black", open.url("black"), null, null, 0, 60),
                rtsp("cam-locked", locked.url("ball"), "teacher", PASSWORD, 0, 0),
                rtsp("cam-wrongpw", locked.url("ball"), "teacher", "not-it", 0, 0),
                rtsp("cam-slow", open.url("ball"), null, null, 30, 0));
        try (RealCameraProbe p = probe(sources, Duration.ZERO)) {
            long t0 = System.nanoTime();
            List<CameraStatus> first = p.sample();
            System.out.printf("camera probe sample() with 6 cameras, nothing checked yet: %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertTrue(first.stream().allMatch(c -> c.state() == DeviceState.DEGRADED
                    && "first check still running".equals(c.error())), first.toString());

            Map<String, CameraStatus> s = sampleUntil(p, m -> m.get("cam-ball").deepCheckTs() != null
                    && m.get("cam-frozen").deepCheckTs() != null && m.get("cam-black").deepCheckTs() != null
                    && m.get("cam-wrongpw").state() == DeviceState.FAULT && m.get("cam-locked").state() == DeviceState.OK);

            CameraStatus ball = s.get("cam-ball");
            System.out.println("healthy camera: " + ball);
            assertEquals(DeviceState.OK, ball.state(), ball.toString());
            assertEquals("h264", ball.codec());
            assertEquals(640, ball.width());
            assertEquals(360, ball.height());
            assertTrue(ball.fps() > 20 && ball.fps() < 30, ball.toString());
            assertTrue(ball.bitrateKbps() > 0);
            assertFalse(ball.frozen());
            assertFalse(ball.black());
            assertEquals(open.url("ball"), ball.source());

            CameraStatus frozen = s.get("cam-frozen");
            assertEquals(DeviceState.FAULT, frozen.state(), frozen.toString());
            assertTrue(frozen.frozen());
            // Fixed texts: a changing error text would publish a status every round.
            assertEquals("picture frozen", frozen.error());

            CameraStatus black = s.get("cam-black");
            assertEquals(DeviceState.FAULT, black.state(), black.toString());
            assertTrue(black.black());
            assertTrue(black.error().contains("picture black"), black.error());
            assertEquals(s.get("cam-black").error(), V4l2DevicesTest.byId(p.sample()).get("cam-black").error());

            assertEquals(DeviceState.OK, s.get("cam-locked").state(), s.get("cam-locked").toString());
            assertEquals("RTSP 401 Unauthorized — wrong username or password?", s.get("cam-wrongpw").error());

            CameraStatus slow = s.get("cam-slow");
            assertEquals(DeviceState.DEGRADED, slow.state(), slow.toString());
            assertEquals("frame rate below the configured 30 fps", slow.error());

            String json = new String(new MessageCodec().mapper().writeValueAsBytes(s.values()));
            assertFalse(json.contains(PASSWORD) && json.contains("not-it"), "no password in the status");
            assertFalse(json.contains("teacher:"), json);
        }
    }

    @Test
    void deadPortAndSilentServerAreFaultsWithoutHoldingTheSample() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (SilentCamera silent = new SilentCamera(); RealCameraProbe p = probe(List.of(
                rtsp("cam-dead", "rtsp://127.0.0.1:" + dead + "/live", "u", "secret-1", 0, 60),
                rtsp("cam-silent", "rtsp://127.0.0.1:" + silent.port() + "/live", "u", "secret-2", 0, 60)),
                Duration.ofMillis(500))) {
            // The first sample waits for first checks, but only up to 500 ms: the refused camera is
            // known by then, the silent one (2 s timeout) is not.
            long t1 = System.nanoTime();
            Map<String, CameraStatus> firstLook = V4l2DevicesTest.byId(p.sample());
            long firstMs = (System.nanoTime() - t1) / 1_000_000;
            assertTrue(firstMs < 1500, "first sample took " + firstMs + " ms");
            assertEquals(DeviceState.FAULT, firstLook.get("cam-dead").state(), firstLook.toString());
            assertEquals("first check still running", firstLook.get("cam-silent").error());
            Map<String, CameraStatus> s = sampleUntil(p, m -> m.values().stream().allMatch(c -> c.state() == DeviceState.FAULT));
            long t0 = System.nanoTime();
            p.sample();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 500, "sample took " + ms + " ms");
            assertEquals("RTSP connection refused by 127.0.0.1:" + dead + " — camera off, or wrong port?",
                    s.get("cam-dead").error());
            assertEquals("RTSP camera at 127.0.0.1:" + silent.port()
                    + " accepted the connection but did not answer within 2000 ms", s.get("cam-silent").error());
            assertTrue(p.deepCheckNow().get(10, TimeUnit.SECONDS).isEmpty(), "no deep check of unreachable cameras");
        }
    }

    @Test
    void onvifCameraIsFoundAndCheckedAndASelftestDeepCheckRunsOnDemand() throws Exception {
        // The ONVIF camera announces its stream without credentials; the probe logs in with the configured ones.
        try (OnvifTestResponder onvif = new OnvifTestResponder("teacher", PASSWORD, locked.url("ball"))) {
            CameraSource cam = new CameraSource("cam-onvif", CameraRole.TEACHER, CameraKind.ONVIF, null, null, "teacher",
                    PASSWORD, onvif.deviceService(), 0, 0, 30, 1, 0);
            CameraSource bad = new CameraSource("cam-onvif-bad", CameraRole.WIDE, CameraKind.ONVIF, null, null, "teacher",
                    "wrong", onvif.deviceService(), 0, 0, 30, 1, 0);
            try (RealCameraProbe p = probe(List.of(cam, bad), Duration.ofSeconds(5))) {
                Map<String, CameraStatus> firstLook = V4l2DevicesTest.byId(p.sample());
                assertEquals(DeviceState.OK, firstLook.get("cam-onvif").state(), "the first sample waited for the quick first check");
                assertEquals(null, firstLook.get("cam-onvif").bitrateKbps(), "the first check is DESCRIBE only: nothing measured");
                assertEquals(25.0, firstLook.get("cam-onvif").fps(), "the rate the SDP declares until one is measured");
                Map<String, CameraStatus> s = sampleUntil(p, m -> m.get("cam-onvif").state() == DeviceState.OK
                        && m.get("cam-onvif-bad").state() == DeviceState.FAULT);
                assertEquals(locked.url("ball"), s.get("cam-onvif").source());
                assertEquals("h264", s.get("cam-onvif").codec());
                assertTrue(s.get("cam-onvif-bad").error().contains("not authorized"), s.get("cam-onvif-bad").error());
                assertEquals(null, s.get("cam-onvif").deepCheckTs(), "deepCheckIntervalS 0: no periodic deep check");

                long t0 = System.nanoTime();
                Map<String, FfmpegDeepCheck.Result> deep = p.deepCheckNow().get(60, TimeUnit.SECONDS);
                System.out.printf("on-demand deep check (4 s window, ffmpeg): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                assertEquals(List.of("cam-onvif"), List.copyOf(deep.keySet()));
                FfmpegDeepCheck.Result r = deep.get("cam-onvif");
                assertEquals(null, r.error());
                assertEquals("h264", r.codec());
                assertFalse(r.frozen());
                assertNotNull(V4l2DevicesTest.byId(p.sample()).get("cam-onvif").deepCheckTs());
            }
        }
    }
}
