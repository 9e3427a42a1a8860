package org.syncready.controller.opcua;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.syncready.protocol.CommandResponse;

/** Sends a box its {@code selftest} command; completes with the box's answer, or exceptionally without one. */
@FunctionalInterface
public interface BoxSelfTests {
    CompletableFuture<CommandResponse> run(String boxId, Duration timeout);
}
