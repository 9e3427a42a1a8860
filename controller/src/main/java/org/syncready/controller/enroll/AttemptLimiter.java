package org.syncready.controller.enroll;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per source address plus one for all of them. Unlike the echo service's limiter
 * (netcheck), a token taken for an attempt that succeeded is given back ({@link #refund}): only
 * failures use the budget. At most {@code maxSources} addresses are remembered; the least recently
 * seen is forgotten first (it starts again with a full bucket: one burst more, at worst). Not
 * thread-safe: {@link EnrollmentCodes} calls it under its own lock.
 */
final class AttemptLimiter {
    private final EnrollmentCodes.Limits limits;
    private final Map<String, Bucket> sources;
    private final Bucket global;

    AttemptLimiter(EnrollmentCodes.Limits limits) {
        this.limits = limits;
        this.global = new Bucket(limits.globalBurst(), System.nanoTime());
        this.sources = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > limits.maxSources();
            }
        };
    }

    /** Takes a token for {@code source}: 0 when let through, else the seconds until one is free. */
    long tryAcquire(String source, long nowNanos) {
        Bucket b = sources.computeIfAbsent(source, k -> new Bucket(limits.perSourceBurst(), nowNanos));
        b.refill(nowNanos, limits.perSourcePerMinute(), limits.perSourceBurst());
        global.refill(nowNanos, limits.globalPerMinute(), limits.globalBurst());
        if (b.tokens < 1 || global.tokens < 1) {
            double wait = Math.max(b.tokens < 1 ? (1 - b.tokens) * 60 / limits.perSourcePerMinute() : 0,
                    global.tokens < 1 ? (1 - global.tokens) * 60 / limits.globalPerMinute() : 0);
            return Math.max(1, (long) Math.ceil(wait));
        }
        b.tokens--;
        global.tokens--;
        return 0;
    }

    /** Gives back the token of an attempt that succeeded. */
    void refund(String source) {
        Bucket b = sources.get(source);
        if (b != null) {
            b.tokens = Math.min(limits.perSourceBurst(), b.tokens + 1);
        }
        global.tokens = Math.min(limits.globalBurst(), global.tokens + 1);
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        void refill(long now, double perMinute, double burst) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (now - at) / 60e9 * perMinute);
                at = now;
            }
        }
    }
}
