package org.syncready.controller.netcheck;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per source key plus one for everything, so neither one source nor a crowd of
 * spoofed ones can make a service answer more than the configured rates. At most
 * {@code maxSources} buckets are kept; when full, the least recently seen source is forgotten (it
 * starts again with a full bucket, which costs at most one burst). Not thread-safe: each service
 * calls it from its own single thread or under its own lock.
 */
final class SourceRateLimiter<K> {
    private final double perSourceRate;
    private final double perSourceBurst;
    private final double globalRate;
    private final double globalBurst;
    private final Map<K, Bucket> buckets;
    private final Bucket global;

    SourceRateLimiter(double perSourceRate, double perSourceBurst, double globalRate, double globalBurst,
                      int maxSources, long nowNanos) {
        this.perSourceRate = perSourceRate;
        this.perSourceBurst = perSourceBurst;
        this.globalRate = globalRate;
        this.globalBurst = globalBurst;
        this.global = new Bucket(globalBurst, nowNanos);
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes a token for {@code source}; false means "over the limit, drop it". */
    boolean tryAcquire(K source, long nowNanos) {
        Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(perSourceBurst, nowNanos));
        b.refill(nowNanos, perSourceRate, perSourceBurst);
        global.refill(nowNanos, globalRate, globalBurst);
        if (b.tokens < 1 || global.tokens < 1) {
            return false;
        }
        b.tokens--;
        global.tokens--;
        return true;
    }

    int sources() {
        return buckets.size();
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        void refill(long now, double rate, double burst) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (now - at) / 1e9 * rate);
                at = now;
            }
        }
    }
}
