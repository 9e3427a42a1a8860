package org.syncready.agent.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpeedTestUploadTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    @Test
    void uploadsWithBoxCredentialsAndReportsKbps() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            int kbps = new SpeedTestUpload(sink.url() + "/", "box-1", "pw", 256 * 1024, CONNECT, Duration.ofSeconds(5))
                    .run(Duration.ofSeconds(10));
            assertTrue(kbps > 0, "kbps " + kbps);
            assertEquals(1, sink.uploads.get());
        }
    }

    @Test
    void wrongCredentialsAndPostponementAreCleanAnswersAndNoBodyIsSent() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            SpeedTestUpload.UplinkException refused = assertThrows(SpeedTestUpload.UplinkException.class,
                    () -> new SpeedTestUpload(sink.url(), "box-1", "wrong", 1024 * 1024, CONNECT, Duration.ofSeconds(5))
                            .run(Duration.ofSeconds(5)));
            assertFalse(refused.retryLater);
            assertTrue(refused.getMessage().contains("credentials"));

            // The controller's "one test per box every 30 s": refused before the body, not a broken pipe.
            sink.tooSoonRetryAfterS = 30;
            SpeedTestUpload.UplinkException later = assertThrows(SpeedTestUpload.UplinkException.class,
                    () -> new SpeedTestUpload(sink.url(), "box-1", "pw", 4 * 1024 * 1024, CONNECT, Duration.ofSeconds(5))
                            .run(Duration.ofSeconds(5)));
            assertTrue(later.retryLater, later.getMessage());
            assertEquals(SpeedTestUpload.POSTPONE_MS, later.retryAfterMs);
            assertEquals(0, sink.bodyBytesOfRefused.get(), "the box waited for 100 Continue and sent nothing");
            assertEquals(0, sink.uploads.get());
            assertEquals(2, sink.requests.get(), "each refusal is one request, never sent again to read it");
        }
    }

    @Test
    void theFigureIsTheControllersTimingOfTheBodyNotHowFastTheBoxCouldWrite() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            // 2.4 Mbit/s at the sink; loopback kernel buffers would let the box write all of it at once.
            sink.readBytesPerSecond = 300_000;
            int kbps = new SpeedTestUpload(sink.url(), "box-1", "pw", 512 * 1024, CONNECT, Duration.ofSeconds(5))
                    .run(Duration.ofSeconds(10));
            assertTrue(kbps > 1_800 && kbps < 2_600, "about 2400 kbit/s: " + kbps);
        }
    }
}
