package org.syncready.controller.readiness;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a self-test to a box and says how it went. The controller wires it to the MQTT command
 * channel; the future never fails: no answer in time is {@link SelftestOutcome#NO_ANSWER}.
 */
@FunctionalInterface
public interface SelftestSender {
    CompletableFuture<SelftestOutcome> selftest(String boxId, Duration timeout);
}
