package org.syncready.controller.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One robot, endpoint or mailbox as {@link Delivery} drives it: the messages waiting for it, its pace,
 * and how it answered lately. Channels that share a robot share its lane, because the platform's limit
 * is per robot, not per channel. Touched by the delivery thread only.
 */
final class Lane {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    final String endpoint;
    final Pacer pacer;
    /** Outbox message ids, oldest first (a digest goes to the front: it holds the oldest). */
    final Deque<Long> queue = new ArrayDeque<>();
    boolean inFlight;
    /** Nothing goes before this: a "too fast" answer's wait, or the backoff after a failure. */
    Instant retryAt = Instant.MIN;
    int failures;
    /** Messages dropped from a full backlog since the last digest, which says how many. */
    int dropped;
    /** The "not reached" warning was logged; the next success logs "reachable again" once. */
    boolean loggedDown;
    /** A burst outran the pace: what waits is merged until the queue is empty again. */
    boolean merging;

    Lane(String endpoint, Pacer pacer) {
        this.endpoint = endpoint;
        this.pacer = pacer;
    }

    /** The platform answered (sent or refused): no backoff any more. */
    void answered() {
        failures = 0;
        retryAt = Instant.MIN;
    }

    /** The platform said "too fast": nothing goes before {@code until}, not even what the pacer would allow. */
    void throttledUntil(Instant until) {
        pacer.block(until);
        retryAt = until;
    }

    /** Not reached (network, 5xx): the next try waits one more backoff step; returns when. */
    Instant backOff(Instant now) {
        failures++;
        retryAt = now.plus(backoff(failures));
        return retryAt;
    }

    /**
     * The wait after {@code failures} failures in a row: 5 s doubling to 5 min, ±20 % so that robots
     * down at once do not all come back in the same second.
     */
    static Duration backoff(int failures) {
        long base = FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 10);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (capped * jitter));
    }
}
