package org.syncready.controller.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides whether a refused message is worth a log line: once per box and reason per minute, so a
 * misbehaving box cannot flood the log. Remembers at most {@code capacity} keys (oldest forgotten).
 */
final class RefusalLog {
    private static final long QUIET_MS = 60_000;
    private final Map<String, Long> lastLogged;

    RefusalLog(int capacity) {
        this.lastLogged = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized boolean shouldLog(String boxId, String reason, long now) {
        String key = boxId + '\u0000' + reason;
        Long last = lastLogged.get(key);
        if (last != null && now - last < QUIET_MS) {
            return false;
        }
        lastLogged.put(key, now);
        return true;
    }
}
