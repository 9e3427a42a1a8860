package org.syncready.controller.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The pace of one robot or endpoint: at most {@code perMinute} sends in any 61 seconds (and at most
 * {@code perSecond} in any 1.1 s), counted from when each send's answer came back. A platform counts
 * a message when it arrives, which is before its answer reaches us; so a new send starts at least a
 * minute after the platform counted the one it replaces in the window, whatever the network did.
 * The extra second and 100 ms cover the platform's clock and rounding.
 *
 * <p>Not thread-safe: used by the delivery thread only.
 */
final class Pacer {
    static final Duration MINUTE = Duration.ofSeconds(61);
    static final Duration SECOND = Duration.ofMillis(1100);

    private int perMinute;
    private int perSecond;
    private final Deque<Instant> sends = new ArrayDeque<>();
    private Instant blockedUntil = Instant.MIN;

    Pacer(int perMinute, int perSecond) {
        this.perMinute = perMinute;
        this.perSecond = perSecond;
    }

    /** New limits (a channel on this endpoint was changed); the sends already counted stay. */
    void limits(int newPerMinute, int newPerSecond) {
        perMinute = newPerMinute;
        perSecond = newPerSecond;
    }

    /** How many sends may start now. */
    int available(Instant now) {
        prune(now);
        if (now.isBefore(blockedUntil)) {
            return 0;
        }
        int free = perMinute - sends.size();
        if (perSecond > 0) {
            Instant secondAgo = now.minus(SECOND);
            int lastSecond = (int) sends.stream().filter(t -> t.isAfter(secondAgo)).count();
            free = Math.min(free, perSecond - lastSecond);
        }
        return Math.max(0, free);
    }

    /** A send's answer came back at {@code at} (taken or not: the platform counted it). */
    void record(Instant at) {
        sends.addLast(at);
    }

    /** The platform said "too fast": nothing goes before {@code until}. */
    void block(Instant until) {
        if (until.isAfter(blockedUntil)) {
            blockedUntil = until;
        }
    }

    Instant blockedUntil() {
        return blockedUntil;
    }

    private void prune(Instant now) {
        Instant cutoff = now.minus(MINUTE);
        while (!sends.isEmpty() && !sends.peekFirst().isAfter(cutoff)) {
            sends.removeFirst();
        }
        while (sends.size() > Math.max(perMinute, 1) * 2) {
            sends.removeFirst();
        }
    }
}
