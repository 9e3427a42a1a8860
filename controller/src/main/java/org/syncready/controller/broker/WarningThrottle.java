package org.syncready.controller.broker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Which of the broker's repeated refusals get a log line. A client retrying a wrong password, or a
 * script hammering the port, must not write a WARN line per attempt: the first refusal per key (kind
 * and client id) in a minute is logged, later ones are counted and the next line says how many; and
 * at most {@code linesPerWindow} lines a minute are written in all, so rotating client ids do not
 * get around it. The metrics count every refusal. Remembers at most {@code capacity} keys (least
 * recently seen forgotten). Thread-safe: HiveMQ authenticates on several threads.
 */
public final class WarningThrottle {
    static final long WINDOW_MS = 60_000;

    private static final class Seen {
        long lastLogged;
        boolean neverLogged;
        long unlogged;
    }

    private final Map<String, Seen> byKey;
    private final int linesPerWindow;
    private boolean started;
    private long windowStart;
    private int linesInWindow;

    public WarningThrottle(int capacity, int linesPerWindow) {
        this.linesPerWindow = linesPerWindow;
        this.byKey = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Whether this occurrence of {@code key} gets a log line; if so, how many occurrences of the key
     * went unlogged before it.
     */
    public synchronized OptionalLong admit(String key, long now) {
        if (!started || now - windowStart >= WINDOW_MS) {
            started = true;
            windowStart = now;
            linesInWindow = 0;
        }
        Seen seen = byKey.get(key);
        boolean quiet = seen != null && !seen.neverLogged && now - seen.lastLogged < WINDOW_MS;
        if (quiet || linesInWindow >= linesPerWindow) {
            if (seen == null) {
                seen = new Seen();
                seen.neverLogged = true; // the next line in a fresh window is due
                byKey.put(key, seen);
            }
            seen.unlogged++;
            return OptionalLong.empty();
        }
        if (seen == null) {
            seen = new Seen();
            byKey.put(key, seen);
        }
        long unlogged = seen.unlogged;
        seen.unlogged = 0;
        seen.neverLogged = false;
        seen.lastLogged = now;
        linesInWindow++;
        return OptionalLong.of(unlogged);
    }

    /** A client's own text in a log line: control characters could forge lines, length could flood them. */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        String clean = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() <= 128 ? clean : clean.substring(0, 125) + "...";
    }

    /** The tail of a throttled line: how many like it were not logged since the last one. */
    public static String repeated(long unlogged) {
        return unlogged == 0 ? "" : " (" + unlogged + " more since the last line, not logged)";
    }
}
