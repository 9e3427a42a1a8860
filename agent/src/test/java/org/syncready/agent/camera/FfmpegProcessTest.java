package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deep check's child process: a hard timeout kills it, and a missing device is an error, with real ffmpeg. */
class FfmpegProcessTest {
    private static boolean isFfmpeg(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false);
    }

    @Test
    void aCameraThatNeverAnswersGetsFfmpegKilledAtTheHardTimeout() throws Exception {
        RtspTestCamera.requireTools();
        try (SilentCamera silent = new SilentCamera()) {
            long t0 = System.nanoTime();
            FfmpegDeepCheck.Result r = new FfmpegDeepCheck("ffmpeg").rtsp("rtsp://127.0.0.1:" + silent.port() + "/live",
                    "u", "hunter2", Duration.ofSeconds(4), Duration.ofSeconds(2));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("deep check of a silent camera ended after %d ms (hard timeout 2 s)%n", ms);
            assertEquals("ffmpeg did not finish within 2 s and was killed (no picture decoded)", r.error());
            assertTrue(ms < 5000, "took " + ms + " ms");
            assertTrue(ProcessHandle.current().descendants().noneMatch(FfmpegProcessTest::isFfmpeg), "no ffmpeg left running");
        }
    }

    @Test
    void aMissingUsbDeviceIsAnErrorNotAHang() {
        RtspTestCamera.requireTools();
        FfmpegDeepCheck.Result r = new FfmpegDeepCheck("ffmpeg").v4l2("/nonexistent/video9", Duration.ofSeconds(4),
                Duration.ofSeconds(10));
        assertEquals("device not found", r.error());
        assertEquals(0, r.frames());
    }

    @Test
    void aWrongPasswordNeverShowsInTheResult() throws Exception {
        try (RtspTestCamera camera = RtspTestCamera.start("cam", "right-one", "digest")) {
            FfmpegDeepCheck.Result r = new FfmpegDeepCheck("ffmpeg").rtsp(camera.url("ball"), "cam", "wr0ng-s3cret",
                    Duration.ofSeconds(4), Duration.ofSeconds(15));
            assertEquals("ffmpeg: RTSP 401 Unauthorized — wrong username or password?", r.error());
            assertTrue(!String.valueOf(r).contains("wr0ng-s3cret"), r.toString());
        }
    }
}
