package org.syncready.agent.mqtt;

import java.time.Duration;
import java.util.Random;

/**
 * Delays between connection attempts: doubling from a minimum to a maximum, each with random jitter
 * so that a thousand boxes that lost the broker together do not all come back in the same second.
 */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private final double jitter;
    private final Random random;
    private long nextMs;

    Backoff(Duration min, Duration max, double jitter, Random random) {
        this.minMs = min.toMillis();
        this.maxMs = max.toMillis();
        this.jitter = jitter;
        this.random = random;
        this.nextMs = minMs;
    }

    /** The delay before the next attempt; each call doubles the base up to the maximum. */
    long nextDelayMs() {
        long base = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return Math.max(1, Math.round(base * (1 + jitter * (2 * random.nextDouble() - 1))));
    }

    /** Back to the minimum, after a connection succeeded. */
    void reset() {
        nextMs = minMs;
    }
}
