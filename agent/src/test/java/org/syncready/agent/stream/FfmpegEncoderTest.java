package org.syncready.agent.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.protocol.StreamStatus;

/**
 * A real ffmpeg encoder (testsrc, MPEG-4 at 800 kbit/s, real time) writing {@code -progress}, read
 * by the probe while it runs and after it stops. The stream server is a listening socket standing in
 * for the RTMP server (ffmpeg's own listen mode accepts one connection only, which the probe's
 * connect would take). ffmpeg is installed by .ci/run.
 */
class FfmpegEncoderTest {
    @TempDir
    Path dir;

    @Test
    void seesARunningEncoderItsBitrateAndItsStop() throws Exception {
        assertTrue(onPath("ffmpeg"), "ffmpeg is not on PATH: .ci/run installs it (apt-get install ffmpeg)");
        Path progress = dir.resolve("encoder.progress");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "60", "-c:v", "mpeg4", "-b:v", "800k",
                "-f", "mpegts", "-y", dir.resolve("out.ts").toString(), "-progress", progress.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            FfmpegStreamProbe probe = new FfmpegStreamProbe(new AgentConfig.Stream(AgentConfig.Encoder.FFMPEG,
                    "rtmp://pusher:secret@127.0.0.1:" + server.getLocalPort() + "/live/room-204", progress, 5),
                    Duration.ofSeconds(1), System::currentTimeMillis);

            StreamStatus running = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(probe::sample, s -> s.pushing() && s.bitrateKbps() != null && s.bitrateKbps() > 0);
            assertEquals(0, running.droppedFrames());
            assertEquals(Boolean.TRUE, running.targetReachable());
            assertFalse(running.target().contains("secret"));
            // Asked for 800 kbit/s; MPEG-4 on a test pattern lands in the same order of magnitude.
            assertTrue(running.bitrateKbps() > 100 && running.bitrateKbps() < 5000, "bitrate " + running.bitrateKbps());

            // 'q' on stdin: ffmpeg stops cleanly and writes progress=end.
            try (OutputStream in = ffmpeg.getOutputStream()) {
                in.write('q');
                in.flush();
            } catch (IOException e) {
                // It may have closed stdin already; the wait below tells.
            }
            assertTrue(ffmpeg.waitFor(15, TimeUnit.SECONDS), "ffmpeg did not stop");
            StreamStatus stopped = probe.sample();
            assertFalse(stopped.pushing());
            assertEquals("encoder stopped (progress=end)", stopped.error());
        } finally {
            ffmpeg.destroyForcibly();
        }
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
