package org.syncready.agent.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One block of ffmpeg's {@code -progress} output: {@code key=value} lines ending with
 * {@code progress=continue} (or {@code end} when the encoder stopped). Only the fields the probe
 * reports are kept.
 *
 * @param frame       frames encoded so far
 * @param fps         current frames per second
 * @param bitrateKbps ffmpeg's bitrate: the average since the start (absurd in the first second,
 *                    when little output time has passed); null while ffmpeg prints {@code N/A}
 * @param dropFrames  frames dropped so far
 * @param totalSize   bytes written so far
 * @param outTimeUs   output time so far, µs
 * @param ended       {@code progress=end}: the encoder finished or was stopped
 */
public record FfmpegProgress(Long frame, Double fps, Integer bitrateKbps, Long dropFrames, Long totalSize,
                             Long outTimeUs, boolean ended) {
    private static final long MIN_AVERAGE_US = 2_000_000;

    /** The last complete block in {@code lines} (the file's tail), or empty when there is none yet. */
    public static Optional<FfmpegProgress> lastBlock(List<String> lines) {
        List<FfmpegProgress> all = blocks(lines);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Every complete block in {@code lines}, oldest first; a block cut at the start is dropped. */
    public static List<FfmpegProgress> blocks(List<String> lines) {
        List<FfmpegProgress> out = new ArrayList<>();
        Map<String, String> kv = new HashMap<>();
        boolean sawStart = false;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
            if (line.startsWith("progress=")) {
                if (kv.containsKey("frame") || sawStart) {
                    out.add(new FfmpegProgress(longOf(kv.get("frame")), doubleOf(kv.get("fps")),
                            bitrate(kv.get("bitrate")), longOf(kv.get("drop_frames")), longOf(kv.get("total_size")),
                            longOf(kv.get("out_time_us")), "end".equals(kv.get("progress"))));
                }
                kv.clear();
                sawStart = true;
            }
        }
        return out;
    }

    /**
     * The bitrate now: the output between the previous block and this one; without a usable previous
     * block, ffmpeg's average once it spans at least two seconds; else null (unknown yet).
     */
    public Integer currentKbps(FfmpegProgress previous) {
        if (previous != null && totalSize != null && previous.totalSize != null && outTimeUs != null
                && previous.outTimeUs != null && outTimeUs > previous.outTimeUs && totalSize >= previous.totalSize) {
            return (int) Math.round((totalSize - previous.totalSize) * 8.0 / ((outTimeUs - previous.outTimeUs) / 1e6) / 1000);
        }
        return outTimeUs != null && outTimeUs >= MIN_AVERAGE_US ? bitrateKbps : null;
    }

    /** {@code "4512.3kbits/s"} → 4512; {@code "N/A"} → null. */
    static Integer bitrate(String v) {
        if (v == null) {
            return null;
        }
        String s = v.toLowerCase(Locale.ROOT).replace("kbits/s", "").trim();
        Double d = doubleOf(s);
        return d == null ? null : (int) Math.round(d);
    }

    private static Long longOf(String v) {
        try {
            return v == null ? null : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double doubleOf(String v) {
        try {
            return v == null ? null : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
