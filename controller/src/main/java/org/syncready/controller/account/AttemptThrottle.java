package org.syncready.controller.account;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows guessing: after {@code free} failures for one key (a user name, a source address, an
 * enrollment code's source), each further attempt must wait {@code first}, doubling per failure up
 * to {@code max}. A success clears the key; a key quiet for {@code forgetAfter} starts over.
 *
 * <p>At most {@code maxKeys} keys are remembered; when full, the least recently used is forgotten
 * (an attacker who floods keys gets at most {@code free} fresh attempts per forgotten key, and the
 * other key of a login, user or source, still holds). Thread-safe.
 */
public final class AttemptThrottle {
    /**
     * @param free        failures allowed without any delay
     * @param first       the delay after the first failure beyond {@code free}
     * @param max         the longest delay
     * @param forgetAfter a key without failures for this long starts over
     */
    public record Rule(int free, Duration first, Duration max, Duration forgetAfter) {
    }

    private static final class Entry {
        int failures;
        long lastFailure;
        long blockedUntil;
    }

    private final Rule rule;
    private final Clock clock;
    private final Map<String, Entry> entries;

    public AttemptThrottle(Rule rule, int maxKeys, Clock clock) {
        this.rule = rule;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** How long {@code key} must still wait before its next attempt; zero when it may try now. */
    public synchronized Duration wait(String key) {
        Entry e = current(key);
        if (e == null) {
            return Duration.ZERO;
        }
        long left = e.blockedUntil - clock.millis();
        return left > 0 ? Duration.ofMillis(left) : Duration.ZERO;
    }

    /** Counts a failed attempt; returns the delay it imposes (zero while within {@code free}). */
    public synchronized Duration failed(String key) {
        long now = clock.millis();
        Entry e = current(key);
        if (e == null) {
            e = new Entry();
            entries.put(key, e);
        }
        e.failures++;
        e.lastFailure = now;
        int over = e.failures - rule.free();
        if (over <= 0) {
            return Duration.ZERO;
        }
        long delay = rule.first().toMillis() << Math.min(over - 1, 30);
        delay = Math.min(delay <= 0 ? Long.MAX_VALUE : delay, rule.max().toMillis());
        e.blockedUntil = now + delay;
        return Duration.ofMillis(delay);
    }

    /** Clears {@code key} after a successful attempt. */
    public synchronized void succeeded(String key) {
        entries.remove(key);
    }

    /** Failures counted for {@code key} (for tests and logs). */
    public synchronized int failures(String key) {
        Entry e = current(key);
        return e == null ? 0 : e.failures;
    }

    private Entry current(String key) {
        Entry e = entries.get(key);
        if (e != null && clock.millis() - e.lastFailure > rule.forgetAfter().toMillis()
                && clock.millis() >= e.blockedUntil) {
            entries.remove(key);
            return null;
        }
        return e;
    }
}
