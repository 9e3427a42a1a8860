package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real RTSP camera for tests: GStreamer's RTSP server (src/test/resources/rtsp_camera.py) in a
 * child process on 127.0.0.1, serving /ball (healthy), /smpte (frozen) and /black (black), H.264
 * 640x360 at 25 fps, optionally behind Basic or Digest auth.
 *
 * <p>When GStreamer or ffmpeg are missing, tests skip with the reason, unless
 * {@code SYNCREADY_REQUIRE_CAMERA_TOOLS} is set (CI sets it after installing them): then they fail.
 */
public final class RtspTestCamera implements AutoCloseable {
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    private static final Path SCRIPT = Path.of("src/test/resources/rtsp_camera.py");

    private final Process process;
    final int port;

    private RtspTestCamera(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a camera; {@code auth} is null, "basic" or "digest". */
    public static RtspTestCamera start(String user, String password, String auth) throws IOException, InterruptedException {
        requireTools();
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), "--port", "0"));
        if (user != null) {
            cmd.addAll(List.of("--user", user, "--password", password, "--auth", auth));
        }
        // stdin stays an open pipe: the script exits when it closes, so no camera outlives the test JVM.
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (line == null || !line.startsWith("READY ")) {
            p.destroyForcibly();
            fail("test RTSP camera did not start: " + line);
        }
        return new RtspTestCamera(p, Integer.parseInt(line.substring(6).strip()));
    }

    public String url(String mount) {
        return "rtsp://127.0.0.1:" + port + "/" + mount;
    }

    static void requireTools() {
        String missing = missingTools();
        if (missing == null) {
            return;
        }
        if (System.getenv("SYNCREADY_REQUIRE_CAMERA_TOOLS") != null) {
            fail("camera test tools missing although SYNCREADY_REQUIRE_CAMERA_TOOLS is set: " + missing);
        }
        Assumptions.abort("skipped: " + missing + " (install them as .ci/run does to run the real-camera tests)");
    }

    private static volatile String missingCache;

    static synchronized String missingTools() {
        if (missingCache != null) {
            return missingCache.isEmpty() ? null : missingCache;
        }
        List<String> missing = new ArrayList<>();
        if (!runs(PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0'); "
                + "from gi.repository import GstRtspServer")) {
            missing.add("GStreamer RTSP server for Python (gir1.2-gst-rtsp-server-1.0, python3-gi)");
        }
        if (!runs("ffmpeg", "-hide_banner", "-version")) {
            missing.add("ffmpeg");
        }
        missingCache = String.join(", ", missing);
        return missing.isEmpty() ? null : missingCache;
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
