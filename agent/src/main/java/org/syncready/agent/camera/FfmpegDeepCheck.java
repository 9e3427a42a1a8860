package org.syncready.agent.camera;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deep check: ffmpeg decodes a short window of the camera's picture in a child process, with
 * {@code freezedetect} (frozen picture) and {@code blackdetect} (black picture), and reports codec,
 * resolution and the frame rate really decoded. The process has a hard timeout after which it and
 * its children are killed. Passwords reach ffmpeg inside the URL (it has no other way for RTSP)
 * and are scrubbed from everything it prints before that text goes anywhere.
 */
public final class FfmpegDeepCheck {
    private static final Pattern STREAM = Pattern.compile("Stream #\\d+:\\d+.*?: Video: ([A-Za-z0-9_]+)(.*)");
    private static final Pattern SIZE = Pattern.compile(", (\\d{2,5})x(\\d{2,5})");
    private static final Pattern FPS = Pattern.compile(", ([\\d.]+) fps");
    private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");
    private static final Pattern TIME = Pattern.compile("time=(\\d+):(\\d{2}):(\\d{2}(?:\\.\\d+)?)");
    private static final Pattern FREEZE_DURATION = Pattern.compile("freeze_duration: ?([\\d.]+)");
    private static final Pattern BLACK = Pattern.compile("black_start: ?([\\d.]+) black_end: ?([\\d.]+) black_duration: ?([\\d.]+)");
    private static final int MAX_OUTPUT_CHARS = 256 * 1024;

    private final String ffmpeg;
    private final int freezeNoiseDb;

    /** @param ffmpeg the binary, a name on PATH or a path */
    public FfmpegDeepCheck(String ffmpeg) {
        this(ffmpeg, -60);
    }

    /** @param freezeNoiseDb freezedetect's noise tolerance: smaller frame differences are "the same picture" */
    public FfmpegDeepCheck(String ffmpeg, int freezeNoiseDb) {
        this.ffmpeg = ffmpeg;
        this.freezeNoiseDb = freezeNoiseDb;
    }

    /** What one deep check found; {@code error} non-null means it could not decode the picture. */
    public record Result(long atMs, String error, String codec, Integer width, Integer height, Double fps,
                         boolean frozen, boolean black, long frames, double seconds, boolean busy) {
    }

    /** The ffmpeg version line when the binary runs here, empty (with why) otherwise. */
    public Optional<String> version(StringBuilder why) {
        try {
            Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-version").redirectErrorStream(true).start();
            // Its output (a few KB) fits the pipe: wait first, so a hung binary cannot block the read.
            boolean done = p.waitFor(5, TimeUnit.SECONDS);
            byte[] out = done ? p.getInputStream().readNBytes(4096) : new byte[0];
            if (!done) {
                kill(p);
                why.append(ffmpeg).append(" -version did not finish within 5 s");
                return Optional.empty();
            }
            String first = new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (p.exitValue() != 0 || !first.startsWith("ffmpeg version")) {
                why.append(ffmpeg).append(" -version failed (exit ").append(p.exitValue()).append(')');
                return Optional.empty();
            }
            return Optional.of(first.replaceFirst(" Copyright.*", ""));
        } catch (IOException e) {
            why.append(ffmpeg).append(" not found (install ffmpeg for deep checks)");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why.append("interrupted");
            return Optional.empty();
        }
    }

    /** Deep-checks an RTSP camera; {@code url} has no user info, the credentials are added for ffmpeg only. */
    public Result rtsp(String url, String user, String password, Duration window, Duration hardTimeout) {
        String withCreds = user == null ? url : url.replaceFirst("^(?i)rtsp://",
                "rtsp://" + userInfo(user) + (password == null ? "" : ":" + userInfo(password)) + "@");
        return run(List.of("-rtsp_transport", "tcp", "-i", withCreds), url, withCreds, password, window, hardTimeout);
    }

    /** Deep-checks a V4L2 device such as {@code /dev/video0}. */
    public Result v4l2(String device, Duration window, Duration hardTimeout) {
        return run(List.of("-f", "v4l2", "-i", device), device, device, null, window, hardTimeout);
    }

    private Result run(List<String> input, String safeName, String secretUrl, String password, Duration window,
                       Duration hardTimeout) {
        long at = System.currentTimeMillis();
        double w = window.toMillis() / 1000.0;
        double freezeD = Math.min(2.0, w / 2);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "info"));
        cmd.addAll(input);
        cmd.addAll(List.of("-t", fmt(w), "-an", "-sn", "-dn",
                "-vf", "freezedetect=n=" + freezeNoiseDb + "dB:d=" + fmt(freezeD) + ",blackdetect=d=" + fmt(Math.min(1.0, w / 2)) + ":pix_th=0.10",
                "-f", "null", "-"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return failed(at, ffmpeg + " could not be started: " + e.getMessage());
        }
        StringBuilder err = new StringBuilder();
        Thread reader = new Thread(() -> drain(p.getErrorStream(), err), "ffmpeg-stderr");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = p.waitFor(hardTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return failed(at, "deep check interrupted");
        }
        if (!finished) {
            kill(p);
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Results are dated when the picture was seen, i.e. now, not when ffmpeg started connecting.
        at = System.currentTimeMillis();
        String text;
        synchronized (err) {
            text = err.toString().replace(secretUrl, safeName);
        }
        text = SafeUri.scrub(SafeUri.scrub(text, password), password == null ? null : userInfo(password));
        Result r = parse(at, text, w);
        if (!finished) {
            return new Result(at, "ffmpeg did not finish within " + hardTimeout.toSeconds() + " s and was killed"
                    + (r.frames() == 0 ? " (no picture decoded)" : ""), r.codec(), r.width(), r.height(), r.fps(),
                    r.frozen(), r.black(), r.frames(), r.seconds(), false);
        }
        if (r.frames() == 0 && r.error() == null) {
            return new Result(at, "ffmpeg decoded no picture (exit " + p.exitValue() + "): " + lastLine(text),
                    r.codec(), r.width(), r.height(), null, false, false, 0, 0, r.busy());
        }
        return r;
    }

    /** Reads ffmpeg's log; public for the parser tests. */
    static Result parse(long at, String text, double window) {
        String codec = null;
        Integer width = null;
        Integer height = null;
        Double declaredFps = null;
        long frames = 0;
        double seconds = 0;
        int freezeStarts = 0;
        int freezeEnds = 0;
        double frozenS = 0;
        double blackS = 0;
        boolean inInput = true;
        for (String line : text.split("[\r\n]+")) {
            if (line.startsWith("Output #") || line.startsWith("Stream mapping")) {
                inInput = false;
            }
            Matcher m = STREAM.matcher(line);
            if (inInput && codec == null && m.find()) {
                codec = m.group(1).toLowerCase(Locale.ROOT);
                Matcher s = SIZE.matcher(m.group(2));
                if (s.find()) {
                    width = Integer.parseInt(s.group(1));
                    height = Integer.parseInt(s.group(2));
                }
                Matcher f = FPS.matcher(m.group(2));
                if (f.find()) {
                    declaredFps = Double.parseDouble(f.group(1));
                }
            }
            if (line.contains("freezedetect.freeze_start")) {
                freezeStarts++;
            }
            if (line.contains("freezedetect.freeze_end")) {
                freezeEnds++;
            }
            Matcher fd = FREEZE_DURATION.matcher(line);
            if (line.contains("freezedetect") && fd.find()) {
                frozenS += Double.parseDouble(fd.group(1));
            }
            Matcher b = BLACK.matcher(line);
            if (b.find()) {
                blackS += Double.parseDouble(b.group(3));
            }
            Matcher fr = FRAME.matcher(line);
            while (fr.find()) {
                frames = Long.parseLong(fr.group(1));
            }
            Matcher t = TIME.matcher(line);
            while (t.find()) {
                seconds = Integer.parseInt(t.group(1)) * 3600 + Integer.parseInt(t.group(2)) * 60
                        + Double.parseDouble(t.group(3));
            }
        }
        // A freeze still going at the end of the window has no freeze_end.
        boolean frozen = freezeStarts > freezeEnds || frozenS >= window / 2;
        boolean black = blackS >= window / 2;
        Double fps = declaredFps;
        if (frames > 0 && seconds > 0) {
            fps = Math.round(frames / seconds * 10) / 10.0;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        boolean busy = lower.contains("device or resource busy");
        String error = null;
        if (frames == 0) {
            if (lower.contains("401 unauthorized")) {
                error = "ffmpeg: RTSP 401 Unauthorized — wrong username or password?";
            } else if (lower.contains("connection refused")) {
                error = "ffmpeg: connection refused";
            } else if (busy) {
                error = "device busy (in use by another program, e.g. the recorder)";
            } else if (lower.contains("no such file or directory")) {
                error = "device not found";
            }
        }
        return new Result(at, error, codec, width, height, fps, frozen, black, frames, seconds, busy);
    }

    private static Result failed(long at, String error) {
        return new Result(at, error, null, null, null, null, false, false, 0, 0, false);
    }

    private static void drain(InputStream in, StringBuilder into) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (into) {
                    if (into.length() < MAX_OUTPUT_CHARS) {
                        into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed; what we have is what we parse.
        }
    }

    /** Kills the process and everything it started. */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("[\r\n]+");
        String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
        return last.length() > 200 ? last.substring(0, 200) : last;
    }

    private static String userInfo(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~!$&'()*+,;=".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
