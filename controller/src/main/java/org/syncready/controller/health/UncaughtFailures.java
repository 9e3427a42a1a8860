package org.syncready.controller.health;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.syncready.controller.metrics.ControllerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What no code caught: the JVM-wide default uncaught-exception handler, and what scheduled tasks hand
 * over ({@link #report}) since an executor keeps a task's throwable to itself. Each one is logged with
 * its stack trace (it is a bug or a broken JVM, never an expected condition), counted in
 * {@code syncready_uncaught_failures_total{kind}}, and the latest {@value #KEPT} are shown on
 * {@code /health}. An {@link Error} (out of memory, a stack overflow) leaves the JVM in a state nobody
 * can vouch for: health stays failed until the controller is restarted.
 */
public final class UncaughtFailures implements Thread.UncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(UncaughtFailures.class);
    static final int KEPT = 10;

    /** One failure: when, in which thread or task, and what. */
    public record Failure(Instant at, String where, String type, String message, boolean error) {
    }

    private final ControllerMetrics metrics;
    private final Deque<Failure> latest = new ArrayDeque<>();
    private Thread.UncaughtExceptionHandler previous;
    private volatile Failure firstError;

    public UncaughtFailures(ControllerMetrics metrics) {
        this.metrics = metrics;
        metrics.uncaughtFailure("error", 0);
        metrics.uncaughtFailure("exception", 0);
    }

    /**
     * Becomes the JVM's default handler. Call it after the embedded broker started: HiveMQ installs its
     * own default handler as it starts, which would replace this one.
     */
    public synchronized void install() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(this);
    }

    /** Puts back the handler that was there before {@link #install}, unless another has replaced this one since. */
    public synchronized void uninstall() {
        if (Thread.getDefaultUncaughtExceptionHandler() == this) {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        report("thread " + thread.getName(), e);
    }

    /** Records a throwable nothing else will see (a scheduled task's). Never throws. */
    public void report(String where, Throwable e) {
        boolean error = e instanceof Error;
        Failure f = new Failure(Instant.now(), where, e.getClass().getName(), String.valueOf(e.getMessage()), error);
        try {
            log.error("uncaught {} in {}; {}", e.getClass().getSimpleName(), where,
                    error ? "the controller must be restarted" : "the task or thread ended", e);
        } catch (Throwable logging) {
            // Out of memory may fail the logging too; the record below still makes it visible.
        }
        synchronized (latest) {
            latest.addLast(f);
            while (latest.size() > KEPT) {
                latest.removeFirst();
            }
        }
        if (error && firstError == null) {
            firstError = f;
        }
        metrics.uncaughtFailure(error ? "error" : "exception", 1);
    }

    /** The latest failures, oldest first. */
    public List<Failure> latest() {
        synchronized (latest) {
            return List.copyOf(latest);
        }
    }

    /** The first Error recorded, or null: while there is one the controller is not healthy. */
    public Failure firstError() {
        return firstError;
    }

    /** {@code task} that hands anything it throws to {@link #report} instead of letting its executor hide it. */
    public Runnable guard(String where, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                report(where, e);
            }
        };
    }
}
