package org.syncready.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Sums a recording's {@code jdk.ExecutionSample} events three ways: by thread (numbers stripped, so
 * a pool is one row), by the method on top of the stack (self time), and by the first method of a
 * package on the stack (by default SyncReady's: which of our calls the time is spent under). The
 * samples can be limited to threads whose name matches a pattern (e.g. HiveMQ's {@code single-writer}).
 */
final class JfrProfile {
    private JfrProfile() {
    }

    static void print(Path file, int top, PrintStream out) throws IOException {
        print(file, top, null, "org.syncready.", out);
    }

    /** Only samples of threads whose name matches {@code threadPattern} (null: all); the last table by {@code packagePrefix}. */
    static void print(Path file, int top, java.util.regex.Pattern threadPattern, String packagePrefix, PrintStream out) throws IOException {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> bySelf = new HashMap<>();
        Map<String, Integer> byOurs = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            if (threadPattern != null && (thread == null || !threadPattern.matcher(thread).find())) {
                continue;
            }
            total++;
            byThread.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "#"), 1, Integer::sum);
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            bySelf.merge(name(frames.get(0)), 1, Integer::sum);
            for (RecordedFrame f : frames) {
                if (f.getMethod().getType().getName().startsWith(packagePrefix)) {
                    byOurs.merge(name(f), 1, Integer::sum);
                    break;
                }
            }
        }
        out.printf("%s: %d execution samples%s%n", file, total, threadPattern == null ? "" : " of threads matching '" + threadPattern + "'");
        table(out, "by thread", byThread, total, top);
        table(out, "by top frame (self)", bySelf, total, top);
        table(out, "by innermost " + packagePrefix + " frame", byOurs, total, top);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void table(PrintStream out, String title, Map<String, Integer> counts, int total, int top) {
        out.printf("%n%s%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.printf("  %5.1f %%  %6d  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getValue(), e.getKey()));
    }
}
