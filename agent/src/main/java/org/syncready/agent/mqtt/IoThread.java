package org.syncready.agent.mqtt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ({@code mqtt-<boxId>}) a reporter's MQTT work runs on. It is the only writer of
 * {@code seq} and of the connection and outbox state, so seq follows publish order. Paho's callbacks
 * only hand work to it: they run on Paho's callback thread, which also delivers the acks that free
 * the publish window, so blocking there would deadlock.
 */
final class IoThread {
    // The reporter's parts log under the reporter's name, as they did when they were one class.
    private static final Logger log = LoggerFactory.getLogger(MqttReporter.class);

    private final String boxId;
    private final ScheduledExecutorService executor;

    IoThread(String boxId) {
        this.boxId = boxId;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-" + boxId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} on the io thread and completes the future with its result. */
    <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> posted = post(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (posted == null) {
            result.completeExceptionally(new IllegalStateException(boxId + ": reporter stopped"));
        }
        return result;
    }

    /** Runs on the io thread; null when the reporter has shut down. */
    Future<?> post(Runnable work) {
        try {
            return executor.submit(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.error("{}: MQTT task failed", boxId, e);
                }
            });
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code work} on the io thread after {@code delayMs}; null when shutting down. */
    ScheduledFuture<?> schedule(Runnable work, long delayMs) {
        try {
            return executor.schedule(work, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down.
            return null;
        }
    }

    /** Waits at most {@code ms} for a posted task; a shutdown step that does not finish is logged and skipped. */
    void await(Future<?> f, long ms) {
        if (f == null) {
            return;
        }
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("{}: shutdown step incomplete: {}", boxId, e.toString());
        }
    }

    void shutdown() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
