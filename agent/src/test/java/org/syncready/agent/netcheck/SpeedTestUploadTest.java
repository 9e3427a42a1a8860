package org.syncready.agent.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpeedTestUploadTest {
    @Test
    void uploadsWithBoxCredentialsAndReportsKbps() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            int kbps = new SpeedTestUpload(sink.url() + "/", "box-1", "pw", 256 * 1024, Duration.ofSeconds(2)).run(Duration.ofSeconds(10));
            assertTrue(kbps > 0, "kbps " + kbps);
            assertEquals(1, sink.uploads.get());
        }
    }

    @Test
    void wrongCredentialsAndPostponementAreDistinguished() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            SpeedTestUpload.UplinkException refused = assertThrows(SpeedTestUpload.UplinkException.class,
                    () -> new SpeedTestUpload(sink.url(), "box-1", "wrong", 65536, Duration.ofSeconds(2)).run(Duration.ofSeconds(5)));
            assertFalse(refused.retryLater);
            assertTrue(refused.getMessage().contains("credentials"));
            sink.forceStatus = 429;
            SpeedTestUpload.UplinkException later = assertThrows(SpeedTestUpload.UplinkException.class,
                    () -> new SpeedTestUpload(sink.url(), "box-1", "pw", 65536, Duration.ofSeconds(2)).run(Duration.ofSeconds(5)));
            assertTrue(later.retryLater);
        }
    }
}
