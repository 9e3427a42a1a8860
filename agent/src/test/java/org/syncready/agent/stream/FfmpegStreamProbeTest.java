package org.syncready.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.protocol.StreamStatus;

/** The probe's verdicts on progress files written by the test (the real encoder: FfmpegEncoderTest). */
class FfmpegStreamProbeTest {
    private static final String BLOCK = "frame=250\nfps=25.0\nbitrate=4480.2kbits/s\ndrop_frames=7\nout_time_us=10000000\nprogress=continue\n";

    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

    @Test
    void freshProgressAndAReachableServerIsPushing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Path progress = write(BLOCK.repeat(3));
            StreamStatus s = probe("rtmp://u:pw@127.0.0.1:" + server.getLocalPort() + "/live/key", progress).sample();
            assertTrue(s.pushing(), String.valueOf(s.error()));
            assertEquals(4480, s.bitrateKbps());
            assertEquals(7, s.droppedFrames());
            assertEquals(Boolean.TRUE, s.targetReachable());
            assertEquals("rtmp://***@127.0.0.1:" + server.getLocalPort() + "/live/key", s.target());
            assertNull(s.error());
        }
    }

    @Test
    void unreachableServerStaleProgressEndAndMissingFileAreNotPushing() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        Path progress = write(BLOCK);
        StreamStatus unreachable = probe("rtmp://127.0.0.1:" + dead + "/live/k", progress).sample();
        assertFalse(unreachable.pushing());
        assertEquals(Boolean.FALSE, unreachable.targetReachable());
        assertEquals("stream server 127.0.0.1:" + dead + " not reachable", unreachable.error());

        FfmpegStreamProbe srt = probe("srt://127.0.0.1:9000?passphrase=x", progress);
        assertTrue(srt.sample().pushing());
        assertNull(srt.sample().targetReachable(), "srt: unknown, not false");

        clock.addAndGet(30_000);
        assertEquals("encoder not running: no progress for 30 s", srt.sample().error());

        Files.writeString(progress, BLOCK + "frame=251\nprogress=end\n");
        Files.setLastModifiedTime(progress, FileTime.fromMillis(clock.get()));
        assertEquals("encoder stopped (progress=end)", srt.sample().error());

        Files.delete(progress);
        StreamStatus missing = srt.sample();
        assertFalse(missing.pushing());
        assertTrue(missing.error().startsWith("encoder not running: no progress file"), missing.error());
    }

    @Test
    void readsOnlyTheTailOfALongFile() throws Exception {
        // An hour of progress is ~1.5 MB; the probe must find the last block without reading it all.
        Path progress = write(BLOCK.replace("drop_frames=7", "drop_frames=1").repeat(20_000) + BLOCK.replace("frame=250", "frame=999"));
        StreamStatus s = probe("srt://127.0.0.1:9000", progress).sample();
        assertTrue(s.pushing());
        assertEquals(7, s.droppedFrames());
    }

    private Path write(String text) throws Exception {
        Path p = dir.resolve("encoder.progress");
        Files.writeString(p, text);
        Files.setLastModifiedTime(p, FileTime.fromMillis(clock.get()));
        return p;
    }

    private FfmpegStreamProbe probe(String target, Path progress) {
        return new FfmpegStreamProbe(new AgentConfig.Stream(AgentConfig.Encoder.FFMPEG, target, progress, 10),
                Duration.ofMillis(500), clock::get);
    }
}
