package org.syncready.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegProgressTest {
    @Test
    void readsTheLastCompleteBlock() {
        List<String> lines = List.of(
                "frame=25", "fps=25.0", "bitrate=N/A", "drop_frames=0", "progress=continue",
                "frame=50", "fps=24.89", "bitrate= 399.0kbits/s", "drop_frames=3", "progress=continue",
                "frame=75", "fps=25");
        FfmpegProgress p = FfmpegProgress.lastBlock(lines).orElseThrow();
        assertEquals(50, p.frame());
        assertEquals(24.89, p.fps());
        assertEquals(399, p.bitrateKbps());
        assertEquals(3, p.dropFrames());
        assertFalse(p.ended());
    }

    @Test
    void currentBitrateComesFromTheLastTwoBlocksNotFfmpegsStartupAverage() {
        List<FfmpegProgress> blocks = FfmpegProgress.blocks(List.of(
                "ate=garbage cut by the tail", "progress=continue",
                "frame=2", "bitrate=6289455.0kbits/s", "total_size=1024", "out_time_us=1300", "progress=continue",
                "frame=14", "bitrate=900.0kbits/s", "total_size=51024", "out_time_us=500000", "progress=continue",
                "frame=26", "bitrate=800.0kbits/s", "total_size=101024", "out_time_us=1000000", "progress=continue"));
        assertEquals(3, blocks.size(), "the block cut by the tail is dropped");
        assertNull(blocks.get(0).currentKbps(null), "an average over 1.3 ms means nothing");
        // 50,000 bytes in 0.5 s = 800 kbit/s.
        assertEquals(800, blocks.get(2).currentKbps(blocks.get(1)));
        FfmpegProgress late = new FfmpegProgress(100L, 25.0, 750, 0L, null, 4_000_000L, false);
        assertEquals(750, late.currentKbps(null), "after 2 s ffmpeg's average is a fair fallback");
    }

    @Test
    void endAndNotApplicableValues() {
        FfmpegProgress p = FfmpegProgress.lastBlock(List.of("frame=1", "bitrate=N/A", "drop_frames=x", "progress=end")).orElseThrow();
        assertTrue(p.ended());
        assertNull(p.bitrateKbps());
        assertNull(p.dropFrames());
        assertTrue(FfmpegProgress.lastBlock(List.of("frame=1", "fps=2")).isEmpty());
        assertTrue(FfmpegProgress.lastBlock(List.of()).isEmpty());
    }
}
