package org.syncready.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromOneSecondToSixtyWithThirtyPercentJitter() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.3, new Random(7));
        long[] bases = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
        for (long base : bases) {
            long d = backoff.nextDelayMs();
            assertTrue(d >= base * 0.7 && d <= base * 1.3, "delay " + d + " within ±30 % of " + base);
        }
        backoff.reset();
        long d = backoff.nextDelayMs();
        assertTrue(d >= 700 && d <= 1300, "back to about a second after a connection: " + d);
    }

    @Test
    void jitterSpreadsBoxesThatFailedTogether() {
        long min = Long.MAX_VALUE;
        long max = 0;
        // Seeds drawn from one generator: Random's first outputs for neighbouring seeds are nearly equal.
        Random seeds = new Random(1);
        for (int i = 0; i < 200; i++) {
            long d = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.3, new Random(seeds.nextLong())).nextDelayMs();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(max - min > 400, "spread " + min + ".." + max);
    }
}
