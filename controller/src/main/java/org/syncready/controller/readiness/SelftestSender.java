package org.syncready.controller.readiness;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a self-test to a box and says how it went. The controller wires it to the MQTT command
 * channel; the future never fails: no answer in time is {@link SelftestResult#NO_ANSWER}.
 */
@FunctionalInterface
public interface SelftestSender {
    /**
     * @param streamServers the stream servers of the box's sessions: the box probes them in this
     *                      self-test and keeps probing them for {@code keep} (protocol 6.2, {@code targets})
     */
    CompletableFuture<SelftestResult> selftest(String boxId, Duration timeout, List<StreamServer> streamServers, Duration keep);
}
