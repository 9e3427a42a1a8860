package org.syncready.controller.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.fleet.BoxHistory;

/**
 * Keeps this node's memory in step with what the other nodes write to the shared store: every period
 * (a second) it reads the change counters and re-reads an area (registry, schedule, rollouts) whose
 * counter another node moved, and folds the live-fleet rows written since its last look into the
 * live fleet. Runs on its own thread; a failed round is logged once and tried again next period.
 */
public final class ClusterRefresh implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterRefresh.class);

    private final String self;
    private final ChangeFeed feed;
    private final Map<String, Runnable> reloads;
    private final Consumer<List<BoxHistory.LatestRecord>> live;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-refresh");
        t.setDaemon(true);
        return t;
    });
    /** The sum of the other nodes' counters per area at the last look; absent before the first. */
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private long cursor;
    private boolean first = true;
    private String lastProblem;
    private volatile long lastRoundMs;
    private volatile long lastRoundAt;

    /**
     * @param self    this node's name in the change counters (its connections' application name)
     * @param reloads what re-reads each area ("fleet", "schedule", "rollouts") from the store
     * @param live    folds changed live-fleet rows in
     */
    public ClusterRefresh(String self, ChangeFeed feed, Map<String, Runnable> reloads, Consumer<List<BoxHistory.LatestRecord>> live) {
        this.self = self;
        this.feed = feed;
        this.reloads = Map.copyOf(reloads);
        this.live = live;
    }

    public ClusterRefresh start(Duration every) {
        thread.scheduleWithFixedDelay(this::roundSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void roundSafely() {
        try {
            round();
            if (lastProblem != null) {
                log.info("cluster refresh reads the store again");
                lastProblem = null;
            }
        } catch (RuntimeException e) {
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) {
                log.warn("cluster refresh failed, trying again each second: {}", problem);
                lastProblem = problem;
            }
        }
    }

    /** One look; public for tests that step it. */
    public void round() {
        long t0 = System.nanoTime();
        Map<String, Map<String, Long>> versions = feed.versions();
        for (Map.Entry<String, Runnable> area : reloads.entrySet()) {
            long others = versions.getOrDefault(area.getKey(), Map.of()).entrySet().stream()
                    .filter(e -> !e.getKey().equals(self)).mapToLong(Map.Entry::getValue).sum();
            Long before = seen.put(area.getKey(), others);
            // The first look re-reads everything once: the area may have moved between its load at start and now.
            if (first || before == null || before != others) {
                area.getValue().run();
            }
        }
        ChangeFeed.LatestChanges changes = feed.latestSince(cursor);
        if (!changes.rows().isEmpty()) {
            live.accept(changes.rows());
        }
        cursor = changes.next();
        first = false;
        lastRoundMs = (System.nanoTime() - t0) / 1_000_000;
        lastRoundAt = System.currentTimeMillis();
    }

    /** How long the latest round took, ms. */
    public long lastRoundMs() {
        return lastRoundMs;
    }

    /** When the latest round ended (epoch ms, 0 before the first): the health check's sign of life. */
    public long lastRoundAt() {
        return lastRoundAt;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
