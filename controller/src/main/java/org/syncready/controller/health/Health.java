package org.syncready.controller.health;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.syncready.controller.metrics.ControllerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the controller is healthy, judged every second on its own thread from the conditions
 * watched ({@link #watchStoreWriter}, {@link #watchMqtt}, {@link #watchHeartbeat}, {@link #watchDisk},
 * plus every Error {@link UncaughtFailures} saw). {@link #report()} is the latest verdict, cheap to
 * read from an event loop. Each condition is a gauge {@code syncready_health_problem{condition}},
 * 0 from the start and 1 while it holds; {@code syncready_health_ok} is 1 while none does. A
 * condition that begins or ends is logged once, not every second.
 */
public final class Health implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Health.class);
    /** A report older than this means the health thread itself is stuck. */
    private static final Duration REPORT_MAX_AGE = Duration.ofSeconds(10);

    /**
     * How long a condition may last before it counts: store writes failing, the writer's queue full (a
     * burst fills it for a moment, which is back-pressure working), a watched thread silent; and the
     * free disk floor of the data folder.
     */
    public record Limits(Duration storeFailing, Duration queueFull, long minFreeDiskBytes) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(30), Duration.ofSeconds(10), 1024L * 1024 * 1024);

        public Limits withMinFreeDiskBytes(long bytes) {
            return new Limits(storeFailing, queueFull, bytes);
        }
    }

    /** One thing wrong: a stable code for machines and a sentence for people. */
    public record Problem(String code, String message) {
    }

    /** A verdict: healthy when there is no problem. */
    public record Report(Instant at, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** One watched condition; returns the problem, or null while all is well. */
    @FunctionalInterface
    private interface Condition {
        Problem check(long now) throws Exception;
    }

    private final Clock clock;
    private final Limits limits;
    private final ControllerMetrics metrics;
    private final UncaughtFailures failures;
    private final Map<String, Condition> conditions = new LinkedHashMap<>();
    private final Map<String, Integer> holding = new ConcurrentHashMap<>();
    /** Conditions every start goes through (not a fault): logged at INFO, not WARN. */
    private final java.util.Set<String> expected = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, LongSupplier> facts = new LinkedHashMap<>();
    private final long startedAt;
    private volatile Report report;
    private volatile long diskFree = -1;

    public Health(Clock clock, Limits limits, ControllerMetrics metrics, UncaughtFailures failures) {
        this.clock = clock;
        this.limits = limits;
        this.metrics = metrics;
        this.failures = failures;
        this.report = new Report(clock.instant(), List.of());
        this.startedAt = clock.millis();
        watch("uncaught_error", now -> {
            UncaughtFailures.Failure e = failures.firstError();
            return e == null ? null : new Problem("uncaught_error", e.type() + " in " + e.where() + " at " + e.at()
                    + ": the controller must be restarted");
        });
        metrics.gauge("syncready.health.ok", "1 while /health answers 200, 0 while it answers 503", () -> report.ok() ? 1 : 0);
    }

    /** The store writer's thread is alive, its writes do not keep failing, and its queue is not stuck full. */
    public Health watchStoreWriter(WriterState writer) {
        watch("store_writer_dead", now -> writer.alive() ? null
                : new Problem("store_writer_dead", "the store writer thread has ended: nothing is stored"));
        watch("store_failing", now -> {
            long since = writer.failingSince();
            return since > 0 && now - since >= limits.storeFailing().toMillis()
                    ? new Problem("store_failing", "store writes have failed for " + (now - since) / 1000 + " s") : null;
        });
        watch("store_queue_full", now -> {
            long since = writer.fullSince();
            return since > 0 && now - since >= limits.queueFull().toMillis()
                    ? new Problem("store_queue_full", "the store writer's queue (" + writer.capacity() + " rows) has been full for "
                    + (now - since) / 1000 + " s: ingest is stalled") : null;
        });
        metrics.gauge("syncready.store.failing.seconds", "How long store writes have failed, 0 while they succeed", () -> {
            long since = writer.failingSince();
            return since == 0 ? 0 : (clock.millis() - since) / 1000.0;
        });
        return this;
    }

    /**
     * The controller has finished starting: until then (the demo's fleet and timetable are still being
     * laid out after the HTTP server is up) {@code /health} answers 503 {@code starting}, so that whoever
     * waits for it finds everything in place.
     */
    public Health watchStartup(BooleanSupplier started) {
        watch("starting", now -> started.getAsBoolean() ? null
                : new Problem("starting", "the controller is still starting"));
        expected.add("starting");
        return this;
    }

    /** The controller's MQTT connection (ingest, commands, configurations) is up. */
    public Health watchMqtt(BooleanSupplier connected) {
        watch("mqtt_disconnected", now -> connected.getAsBoolean() ? null
                : new Problem("mqtt_disconnected", "the controller's MQTT connection to the broker is down"));
        metrics.gauge("syncready.mqtt.connected", "1 while the controller's MQTT connection is up", () -> connected.getAsBoolean() ? 1 : 0);
        return this;
    }

    /**
     * A thread that works in rounds has finished one within {@code maxSilence}: {@code lastRound} is
     * the epoch ms of its latest round (0 before the first, which counts from now).
     */
    public Health watchHeartbeat(String thread, LongSupplier lastRound, Duration maxSilence) {
        long since = clock.millis();
        String code = "thread_stalled_" + thread;
        watch(code, now -> {
            long last = Math.max(lastRound.getAsLong(), since);
            return now - last > maxSilence.toMillis()
                    ? new Problem(code, "the " + thread + " thread has not finished a round for " + (now - last) / 1000
                    + " s: it died or hangs") : null;
        });
        return this;
    }

    /** The data folder's disk has at least the floor of {@link Limits#minFreeDiskBytes} free. */
    public Health watchDisk(DiskSpace disk) {
        watch("disk_low", now -> {
            long free;
            try {
                free = disk.usableBytes();
            } catch (IOException e) {
                diskFree = -1;
                return new Problem("disk_low", "free space of the data folder unknown: " + e.getMessage());
            }
            diskFree = free;
            return free < limits.minFreeDiskBytes() ? new Problem("disk_low", "the data folder's disk has "
                    + free / (1024 * 1024) + " MB free, below the floor of " + limits.minFreeDiskBytes() / (1024 * 1024) + " MB") : null;
        });
        metrics.gauge("syncready.data.disk.free.bytes", "Free bytes on the data folder's disk (-1: unknown)", () -> diskFree);
        return this;
    }

    /** A number shown on the health page beside the verdict (boxes online, ...); must be cheap, it is read on an event loop. */
    public Health fact(String name, LongSupplier value) {
        facts.put(name, value);
        return this;
    }

    /** The page's numbers, in the order added, with the uptime first. */
    public Map<String, Long> facts() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("uptimeS", (clock.millis() - startedAt) / 1000);
        facts.forEach((name, value) -> out.put(name, value.getAsLong()));
        return out;
    }

    private void watch(String code, Condition condition) {
        conditions.put(code, condition);
        holding.put(code, 0);
        metrics.gauge("syncready.health.problem", "1 while the condition holds, 0 otherwise", "condition", code,
                () -> holding.getOrDefault(code, 0));
    }

    /** Starts judging every second. */
    public void start() {
        thread.scheduleWithFixedDelay(failures.guard("health", this::check), 0, 1, TimeUnit.SECONDS);
    }

    /** Judges now (the health thread does it every second) and returns the verdict. */
    public Report check() {
        long now = clock.millis();
        List<Problem> problems = new ArrayList<>();
        for (Map.Entry<String, Condition> c : conditions.entrySet()) {
            Problem p;
            try {
                p = c.getValue().check(now);
            } catch (Exception e) {
                p = new Problem(c.getKey(), "cannot tell: " + e);
            }
            int was = holding.put(c.getKey(), p == null ? 0 : 1);
            if (p != null) {
                problems.add(p);
                if (was == 0 && expected.contains(p.code())) {
                    log.info("health: {} ({})", p.message(), p.code());
                } else if (was == 0) {
                    log.warn("health: {} ({})", p.message(), p.code());
                }
            } else if (was == 1) {
                log.info("health: {} is over", c.getKey());
            }
        }
        report = new Report(Instant.ofEpochMilli(now), List.copyOf(problems));
        return report;
    }

    /** The latest verdict; a verdict the health thread did not renew in time is itself a problem. */
    public Report report() {
        Report r = report;
        long age = clock.millis() - r.at().toEpochMilli();
        if (age > REPORT_MAX_AGE.toMillis()) {
            List<Problem> problems = new ArrayList<>(r.problems());
            problems.add(new Problem("health_stalled", "health has not been judged for " + age / 1000 + " s"));
            return new Report(r.at(), problems);
        }
        return r;
    }

    /** The latest failures nobody caught, for the health page. */
    public List<UncaughtFailures.Failure> failures() {
        return failures.latest();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
