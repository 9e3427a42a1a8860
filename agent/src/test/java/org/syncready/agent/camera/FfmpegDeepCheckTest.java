package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ffmpeg's log as the deep check reads it (captured from ffmpeg 5.1 against the test camera). */
class FfmpegDeepCheckTest {
    private static final String HEAD = """
            Input #0, rtsp, from 'rtsp://127.0.0.1:18554/ball':
              Duration: N/A, start: 0.040000, bitrate: N/A
              Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(tv, smpte170m, progressive), 640x360 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn
            Stream mapping:
              Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
            Output #0, null, to 'pipe:':
              Stream #0:0: Video: wrapped_avframe, yuv420p(tv, smpte170m, progressive), 1280x720, q=2-31, 200 kb/s, 30 fps, 25 tbn
            """;

    @Test
    void healthyPicture() {
        FfmpegDeepCheck.Result r = FfmpegDeepCheck.parse(1, HEAD
                + "frame=   40 fps=0.0 q=-0.0 size=N/A time=00:00:01.56 bitrate=N/A speed=3.01x    \r"
                + "frame=  101 fps= 33 q=-0.0 Lsize=N/A time=00:00:04.00 bitrate=N/A speed=1.32x    \n", 4);
        assertNull(r.error());
        assertEquals("h264", r.codec());
        assertEquals(640, r.width());
        assertEquals(360, r.height());
        assertEquals(101, r.frames());
        assertEquals(25.3, r.fps());
        assertFalse(r.frozen());
        assertFalse(r.black());
    }

    @Test
    void freezeStillGoingAtTheEndIsFrozen() {
        FfmpegDeepCheck.Result r = FfmpegDeepCheck.parse(1, HEAD
                + "frame=    1 fps=0.0 q=-0.0 size=N/A time=00:00:00.04 bitrate=N/A speed=36.7x    "
                + "[freezedetect @ 0x55f060416500] lavfi.freezedetect.freeze_start: 0\n"
                + "frame=  101 fps= 33 q=-0.0 Lsize=N/A time=00:00:04.00 bitrate=N/A speed=1.32x    \n", 4);
        assertTrue(r.frozen());
        assertFalse(r.black());
    }

    @Test
    void aShortFreezeThatEndedIsNotFrozen() {
        FfmpegDeepCheck.Result r = FfmpegDeepCheck.parse(1, HEAD
                + "[freezedetect @ 0x1] lavfi.freezedetect.freeze_start: 1\n"
                + "[freezedetect @ 0x1] lavfi.freezedetect.freeze_duration: 1.2\n"
                + "[freezedetect @ 0x1] lavfi.freezedetect.freeze_end: 2.2\n"
                + "frame=  125 fps= 33 q=-0.0 Lsize=N/A time=00:00:05.00 bitrate=N/A speed=1.32x    \n", 5);
        assertFalse(r.frozen());
    }

    @Test
    void blackOverMostOfTheWindowIsBlack() {
        FfmpegDeepCheck.Result r = FfmpegDeepCheck.parse(1, HEAD
                + "frame=  101 fps= 33 q=-0.0 Lsize=N/A time=00:00:04.00 bitrate=N/A speed=1.32x    \n"
                + "[blackdetect @ 0x55d8bbd22740] black_start:0 black_end:4.04 black_duration:4.04\n", 4);
        assertTrue(r.black());
        FfmpegDeepCheck.Result brief = FfmpegDeepCheck.parse(1, HEAD
                + "[blackdetect @ 0x1] black_start:1 black_end:2 black_duration:1\n", 4);
        assertFalse(brief.black());
    }

    @Test
    void failuresGetAReadableError() {
        assertEquals("ffmpeg: RTSP 401 Unauthorized — wrong username or password?", FfmpegDeepCheck.parse(1,
                "[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized\n"
                        + "rtsp://127.0.0.1:1/ball: Server returned 401 Unauthorized (authorization failed)\n", 4).error());
        FfmpegDeepCheck.Result busy = FfmpegDeepCheck.parse(1,
                "[video4linux2,v4l2 @ 0x5] Cannot open video device /dev/video0: Device or resource busy\n", 4);
        assertTrue(busy.busy());
        assertTrue(busy.error().contains("busy"));
    }

    @Test
    void aMissingBinaryIsReportedNotThrown() {
        FfmpegDeepCheck missing = new FfmpegDeepCheck("/nonexistent/ffmpeg-for-test");
        StringBuilder why = new StringBuilder();
        assertTrue(missing.version(why).isEmpty());
        assertTrue(why.toString().contains("not found"), why.toString());
        FfmpegDeepCheck.Result r = missing.v4l2("/dev/video0", Duration.ofSeconds(2), Duration.ofSeconds(5));
        assertTrue(r.error().contains("could not be started"), r.error());
    }
}
