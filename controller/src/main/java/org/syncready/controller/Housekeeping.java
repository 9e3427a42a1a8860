package org.syncready.controller;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.health.UncaughtFailures;
import org.syncready.controller.ingest.Ingest;
import org.syncready.controller.store.SqlHistoryStore;
import org.syncready.controller.store.StoreException;

/**
 * The controller's periodic chores on a thread of their own (they block: the stale check may wait on
 * the writer's queue, retention deletes rows), never an event loop. Every node marks its silent boxes
 * stale in memory; only the leader stores the STALE events (once for the whole cluster), deletes old
 * rows and ended web sessions. An executor keeps what a task throws to itself (and stops the task): the
 * guard makes it visible instead.
 */
final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "housekeeping"));
    private final ControllerConfig config;
    private final BooleanSupplier leader;

    Housekeeping(ControllerConfig config, BooleanSupplier leader) {
        this.config = config;
        this.leader = leader;
    }

    void start(UncaughtFailures failures, LiveFleet fleet, Ingest ingest, SqlHistoryStore history, Accounts accounts) {
        thread.scheduleWithFixedDelay(failures.guard("housekeeping: stale check", () -> {
            var events = fleet.checkStale(System.currentTimeMillis());
            if (leader.getAsBoolean()) {
                ingest.store(events);
            }
        }), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(failures.guard("housekeeping: retention", () -> {
            if (leader.getAsBoolean()) {
                prune(history);
            }
        }), 1, 60, TimeUnit.MINUTES);
        thread.scheduleWithFixedDelay(failures.guard("housekeeping: web sessions", () -> {
            if (leader.getAsBoolean()) {
                int ended = accounts.pruneSessions();
                if (ended > 0) {
                    log.info("housekeeping: deleted {} ended web sessions", ended);
                }
            }
        }), 10, 10, TimeUnit.MINUTES);
    }

    private void prune(SqlHistoryStore history) {
        long now = System.currentTimeMillis();
        try {
            int deleted = history.pruneStatusBefore(now - config.rawRetentionHours() * 3_600_000L);
            if (deleted > 0) {
                log.info("retention: deleted {} raw status rows older than {} h", deleted, config.rawRetentionHours());
            }
            int events = history.pruneEventsBefore(now - config.eventRetentionDays() * 86_400_000L);
            if (events > 0) {
                log.info("retention: deleted {} events older than {} days", events, config.eventRetentionDays());
            }
        } catch (StoreException e) {
            log.warn("retention run failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
