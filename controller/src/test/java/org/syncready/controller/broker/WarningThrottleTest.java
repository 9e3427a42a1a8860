package org.syncready.controller.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {
    @Test
    void aThousandRefusalsOfOneClientInAMinuteAreOneLineThenOneLineWithTheCount() {
        WarningThrottle throttle = new WarningThrottle(100, 30);
        int lines = 0;
        for (int i = 0; i < 1_000; i++) {
            if (throttle.admit("connect/box-1", 1_000 + i * 50L).isPresent()) { // 50 s of retries
                lines++;
            }
        }
        assertEquals(1, lines);
        assertEquals(OptionalLong.of(999), throttle.admit("connect/box-1", 1_000 + WarningThrottle.WINDOW_MS),
                "a minute later: one line that says how many were left out");
        assertEquals(OptionalLong.empty(), throttle.admit("connect/box-1", 1_001 + WarningThrottle.WINDOW_MS));
    }

    @Test
    void rotatingClientIdsStillGetAtMostTheLinesOfAWindow() {
        WarningThrottle throttle = new WarningThrottle(10_000, 30);
        int lines = 0;
        for (int i = 0; i < 1_000; i++) {
            if (throttle.admit("connect/random-" + i, 5_000).isPresent()) {
                lines++;
            }
        }
        assertEquals(30, lines);
        // In the next window a client left out before is due a line, with its count.
        assertEquals(OptionalLong.of(1), throttle.admit("connect/random-999", 5_000 + WarningThrottle.WINDOW_MS));
    }

    @Test
    void distinctClientsEachGetTheirLine() {
        WarningThrottle throttle = new WarningThrottle(100, 30);
        assertTrue(throttle.admit("connect/box-1", 0).isPresent());
        assertTrue(throttle.admit("connect/box-2", 0).isPresent());
        assertTrue(throttle.admit("publish/box-1", 0).isPresent(), "another kind of refusal of the same client");
    }
}
