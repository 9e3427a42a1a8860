package org.syncready.controller.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void burstThenRefillAtTheRate() {
        SourceRateLimiter<String> l = new SourceRateLimiter<>(10, 5, 1000, 1000, 100, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(l.tryAcquire("a", 0));
        }
        assertFalse(l.tryAcquire("a", 0), "burst used up");
        assertTrue(l.tryAcquire("b", 0), "another source has its own bucket");
        assertTrue(l.tryAcquire("a", S / 10), "one token back after 100 ms at 10/s");
        assertFalse(l.tryAcquire("a", S / 10));
    }

    @Test
    void globalLimitHoldsAcrossManySources() {
        SourceRateLimiter<Integer> l = new SourceRateLimiter<>(100, 100, 10, 10, 1000, 0);
        int passed = 0;
        for (int src = 0; src < 100; src++) {
            passed += l.tryAcquire(src, 0) ? 1 : 0;
        }
        assertEquals(10, passed);
    }

    @Test
    void remembersAtMostMaxSources() {
        SourceRateLimiter<Integer> l = new SourceRateLimiter<>(1, 1, 1e9, 1e9, 50, 0);
        for (int src = 0; src < 1000; src++) {
            l.tryAcquire(src, 0);
        }
        assertEquals(50, l.sources());
    }
}
