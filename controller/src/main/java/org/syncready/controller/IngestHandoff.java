package org.syncready.controller;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.syncready.controller.broker.BrokerInbox;
import org.syncready.controller.ingest.Ingest;

/**
 * The embedded broker's inbox for in-broker ingest. The broker starts before ingest is wired: a
 * publish arriving meanwhile waits for it (seconds); one arriving as the start fails, or after the
 * controller closed, is left unacknowledged, so its box sends it again.
 */
final class IngestHandoff implements BrokerInbox {
    /** What the inbox hands a publish to once ingest is wired. */
    @FunctionalInterface
    interface Target {
        void take(String topic, byte[] payload, Runnable acknowledge);
    }

    private final CompletableFuture<Target> target = new CompletableFuture<>();

    /** Ingest is ready: publishes waiting and to come go to {@code to}. */
    void wire(Target to) {
        target.complete(to);
    }

    /** The controller stops (or never started): publishes waiting are left unacknowledged. */
    void abandon() {
        target.cancel(false);
    }

    @Override
    public boolean takes(String topic) {
        return Ingest.takenInBroker(topic);
    }

    @Override
    public void take(String topic, byte[] payload, Runnable acknowledge) {
        Target to;
        try {
            to = target.join();
        } catch (CompletionException | CancellationException e) {
            return;
        }
        to.take(topic, payload, acknowledge);
    }
}
