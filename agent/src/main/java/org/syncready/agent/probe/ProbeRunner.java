package org.syncready.agent.probe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs probes in rounds. Each probe has its own single-thread executor, so one that hangs holds up
 * only itself: the round waits at most the probe's timeout, then uses the probe's last value marked
 * stale with an error. A probe still stuck from an earlier round is not started again (that would
 * pile up threads behind it) and is not waited for. A lasting problem is logged when it starts and
 * when it ends, not every round.
 */
public final class ProbeRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);

    private final String boxId;
    private final Duration defaultTimeout;
    private final List<Slot<?>> slots = new CopyOnWriteArrayList<>();

    public ProbeRunner(String boxId, Duration defaultTimeout) {
        this.boxId = boxId;
        this.defaultTimeout = defaultTimeout;
    }

    /** Adds a probe with the runner's default timeout; read its results from the returned slot. */
    public <T> Slot<T> add(Probe<T> probe) {
        return add(probe, defaultTimeout);
    }

    public <T> Slot<T> add(Probe<T> probe, Duration timeout) {
        Slot<T> slot = new Slot<>(probe, timeout);
        slots.add(slot);
        return slot;
    }

    /**
     * Samples every probe at once and returns when all have answered or timed out; afterwards each
     * slot's {@link Slot#last()} holds this round's result.
     */
    public synchronized void runAll() {
        long started = System.nanoTime();
        for (Slot<?> slot : slots) {
            slot.start();
        }
        for (Slot<?> slot : slots) {
            slot.collect(started);
        }
    }

    @Override
    public void close() {
        for (Slot<?> slot : slots) {
            slot.executor.shutdownNow();
        }
    }

    /** One probe, its thread and its latest result. */
    public final class Slot<T> {
        private final Probe<T> probe;
        private final long timeoutNanos;
        private final ExecutorService executor;
        /** True from submit until sample() really returns, even after a timeout cancelled the future. */
        private final AtomicBoolean busy = new AtomicBoolean();
        private Future<T> running;
        private boolean startedThisRound;
        private T lastGood;
        private long lastGoodAt;
        private String reportedProblem;
        private volatile ProbeResult<T> last;

        private Slot(Probe<T> probe, Duration timeout) {
            this.probe = probe;
            this.timeoutNanos = timeout.toNanos();
            this.executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "probe-" + boxId + "-" + probe.name());
                t.setDaemon(true);
                return t;
            });
            this.last = new ProbeResult<>(probe.name(), null, "not sampled yet", true, 0);
        }

        public Probe<T> probe() {
            return probe;
        }

        /** The result of the latest round. */
        public ProbeResult<T> last() {
            return last;
        }

        private void start() {
            startedThisRound = busy.compareAndSet(false, true);
            if (startedThisRound) {
                try {
                    running = executor.submit(() -> {
                        try {
                            return probe.sample();
                        } finally {
                            busy.set(false);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // Closed while a round was starting: the agent is stopping.
                    running = CompletableFuture.failedFuture(new CancellationException("probe runner closed"));
                }
            }
        }

        private void collect(long roundStart) {
            long timeoutMs = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
            if (!startedThisRound) {
                fail("timeout", "still running after more than " + timeoutMs + " ms (hung?)");
                return;
            }
            long remaining = roundStart + timeoutNanos - System.nanoTime();
            try {
                T value = running.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
                lastGood = value;
                lastGoodAt = System.currentTimeMillis();
                last = ProbeResult.fresh(probe.name(), value, lastGoodAt);
                if (reportedProblem != null) {
                    log.info("{}: probe '{}' answers again", boxId, probe.name());
                    reportedProblem = null;
                }
            } catch (TimeoutException e) {
                // Interrupting helps probes blocked in interruptible calls; busy stays set until it returns.
                running.cancel(true);
                fail("timeout", "timed out after " + timeoutMs + " ms");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
                fail("failure:" + cause.getClass().getName(), "failed: " + message);
            } catch (CancellationException e) {
                fail("timeout", "cancelled");
            } catch (InterruptedException e) {
                // Only the agent stopping interrupts a round: keep the flag, say nothing.
                Thread.currentThread().interrupt();
                last = new ProbeResult<>(probe.name(), lastGood, "interrupted", true, lastGood == null ? 0 : lastGoodAt);
            }
        }

        private void fail(String kind, String error) {
            last = new ProbeResult<>(probe.name(), lastGood, error, true, lastGood == null ? 0 : lastGoodAt);
            if (!kind.equals(reportedProblem)) {
                log.warn("{}: probe '{}' {}; reporting {} until it answers", boxId, probe.name(), error,
                        lastGood == null ? "no value" : "its last value");
                reportedProblem = kind;
            }
        }
    }
}
