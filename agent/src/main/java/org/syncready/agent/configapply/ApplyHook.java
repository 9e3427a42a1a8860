package org.syncready.agent.configapply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The box model's own way to set encoder, camera and audio settings: an executable (shipped with the
 * model's firmware image) run with the path of the body's JSON file. Exit code 0 means applied; any
 * other code, or no exit within the timeout, is a failure whose last output line is the reason.
 */
final class ApplyHook {
    private static final long TIMEOUT_S = 60;
    private final Path executable;

    ApplyHook(Path executable) {
        this.executable = executable;
    }

    /** Runs the hook; empty on success, else why it failed. */
    String run(Path bodyFile) {
        Process p;
        try {
            p = new ProcessBuilder(List.of(executable.toString(), bodyFile.toString()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return "apply hook " + executable + " cannot start: " + e.getMessage();
        }
        try {
            // Output is small (a few lines); read it while waiting so a chatty hook cannot block on a full pipe.
            byte[] out = p.getInputStream().readNBytes(16_384);
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "apply hook " + executable + " did not finish in " + TIMEOUT_S + " s";
            }
            if (p.exitValue() != 0) {
                String text = new String(out, StandardCharsets.UTF_8).strip();
                String last = text.isEmpty() ? "" : ": " + text.lines().reduce((a, b) -> b).orElse("");
                return "apply hook exited " + p.exitValue() + last;
            }
            return "";
        } catch (IOException e) {
            p.destroyForcibly();
            return "apply hook " + executable + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "apply hook interrupted";
        }
    }
}
