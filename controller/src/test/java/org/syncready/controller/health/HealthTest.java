package org.syncready.controller.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.TestClock;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.StatusWriter;
import org.syncready.controller.fleet.BoxRecord;

class HealthTest {
    private static final Health.Limits AT_ONCE = new Health.Limits(Duration.ZERO, Duration.ZERO, 100);

    @TempDir
    Path dir;
    private final ControllerMetrics metrics = new ControllerMetrics();
    private final UncaughtFailures failures = new UncaughtFailures(metrics);

    private static List<String> codes(Health.Report r) {
        return r.problems().stream().map(Health.Problem::code).toList();
    }

    private double gauge(String condition) {
        String line = metrics.scrape().lines().filter(l -> l.startsWith("syncready_health_problem{condition=\"" + condition + "\""))
                .findFirst().orElseThrow(() -> new AssertionError("no gauge for " + condition));
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void unhealthyUntilEveryPartHasStarted() {
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        Health health = new Health(Clock.systemUTC(), Health.Limits.DEFAULT, metrics, failures).watchStartup(started::get);
        Health.Report starting = health.check();
        assertEquals(List.of("starting"), starting.problems().stream().map(Health.Problem::code).toList());
        started.set(true);
        assertTrue(health.check().ok());
        health.close();
    }

    @Test
    void everyConditionIsAGaugeAtZeroFromTheStart() throws Exception {
        try (Database db = Database.open(dir.resolve("s.db"))) {
            StatusWriter writer = new StatusWriter(db, metrics, 10, 10);
            writer.start();
            Health health = new Health(Clock.systemUTC(), Health.Limits.DEFAULT, metrics, failures)
                    .watchStoreWriter(writer).watchMqtt(() -> true).watchHeartbeat("readiness", System::currentTimeMillis, Duration.ofMinutes(1))
                    .watchDisk(() -> Long.MAX_VALUE);
            assertTrue(health.check().ok());
            for (String c : List.of("store_writer_dead", "store_failing", "store_queue_full", "mqtt_disconnected", "disk_low",
                    "thread_stalled_readiness", "uncaught_error")) {
                assertEquals(0.0, gauge(c), c);
            }
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("syncready_health_ok 1.0"), scrape);
            assertTrue(scrape.contains("syncready_uncaught_failures_total{kind=\"error\"} 0.0"), scrape);
            assertTrue(scrape.contains("syncready_mqtt_connected 1.0"), scrape);
            writer.close();
        }
    }

    @Test
    void aDeadStoreWriterIsAProblem() throws Exception {
        try (Database db = Database.open(dir.resolve("s.db"))) {
            StatusWriter writer = new StatusWriter(db, metrics, 10, 10);
            writer.start();
            Health health = new Health(Clock.systemUTC(), Health.Limits.DEFAULT, metrics, failures).watchStoreWriter(writer);
            assertTrue(health.check().ok());
            writer.close();
            Health.Report r = health.check();
            assertEquals(List.of("store_writer_dead"), codes(r));
            assertEquals(1.0, gauge("store_writer_dead"));
            assertTrue(metrics.scrape().contains("syncready_health_ok 0.0"));
        }
    }

    @Test
    void storeWritesFailingLongerThanTheLimitAreAProblemUntilTheyRecover() throws Exception {
        Path file = dir.resolve("s.db");
        try (Database db = Database.open(file)) {
            StatusWriter writer = new StatusWriter(db, metrics, 10, 10);
            writer.start();
            Health health = new Health(Clock.systemUTC(), new Health.Limits(Duration.ofMillis(300), Duration.ofSeconds(10), 0),
                    metrics, failures).watchStoreWriter(writer);
            failInserts(file, true);
            writer.put(new BoxRecord.Status("box-1", 1, 1, "boot", 1, "{}"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> writer.failingSince() > 0);
            await().atMost(10, TimeUnit.SECONDS).until(() -> codes(health.check()).equals(List.of("store_failing")));
            assertTrue(health.report().problems().get(0).message().startsWith("store writes have failed for"));
            failInserts(file, false);
            await().atMost(15, TimeUnit.SECONDS).until(() -> health.check().ok());
            writer.close();
        }
    }

    @Test
    void aQueueFullLongerThanTheLimitIsAProblem() throws Exception {
        try (Database db = Database.open(dir.resolve("s.db"))) {
            StatusWriter writer = new StatusWriter(db, metrics, 1, 10);
            Health health = new Health(Clock.systemUTC(), AT_ONCE, metrics, failures).watchStoreWriter(writer);
            writer.put(new BoxRecord.Status("box-1", 1, 1, "boot", 1, "{}"));
            Thread ingest = new Thread(() -> {
                try {
                    writer.put(new BoxRecord.Status("box-1", 2, 2, "boot", 2, "{}"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ingest.start();
            await().atMost(5, TimeUnit.SECONDS).until(() -> codes(health.check()).contains("store_queue_full"));
            writer.start();
            ingest.join(10_000);
            await().atMost(10, TimeUnit.SECONDS).until(() -> health.check().ok());
            writer.close();
        }
    }

    @Test
    void theBrokerConnectionDownIsAProblem() {
        AtomicBoolean up = new AtomicBoolean(true);
        Health health = new Health(Clock.systemUTC(), AT_ONCE, metrics, failures).watchMqtt(up::get);
        assertTrue(health.check().ok());
        up.set(false);
        assertEquals(List.of("mqtt_disconnected"), codes(health.check()));
        assertTrue(metrics.scrape().contains("syncready_mqtt_connected 0.0"));
    }

    @Test
    void aThreadThatStopsFinishingRoundsIsAProblem() {
        TestClock clock = new TestClock(Instant.parse("2026-03-02T08:00:00Z"));
        AtomicLong lastRound = new AtomicLong(0);
        Health health = new Health(clock, AT_ONCE, metrics, failures).watchHeartbeat("readiness", lastRound::get, Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(30));
        assertTrue(health.check().ok(), "not started yet: the silence counts from the start");
        lastRound.set(clock.millis());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(List.of("thread_stalled_readiness"), codes(health.check()));
        lastRound.set(clock.millis());
        assertTrue(health.check().ok());
    }

    @Test
    void freeDiskBelowTheFloorIsAProblem() {
        AtomicLong free = new AtomicLong(5L * 1024 * 1024 * 1024);
        Health health = new Health(Clock.systemUTC(), Health.Limits.DEFAULT, metrics, failures).watchDisk(free::get);
        assertTrue(health.check().ok());
        free.set(10L * 1024 * 1024);
        Health.Report r = health.check();
        assertEquals(List.of("disk_low"), codes(r));
        assertTrue(r.problems().get(0).message().contains("10 MB free, below the floor of 1024 MB"), r.problems().get(0).message());
        assertTrue(metrics.scrape().contains("syncready_data_disk_free_bytes 1.048576E7"), metrics.scrape());
        Health unreadable = new Health(Clock.systemUTC(), Health.Limits.DEFAULT, metrics, failures).watchDisk(() -> {
            throw new IOException("no such file system");
        });
        assertEquals(List.of("disk_low"), codes(unreadable.check()));
    }

    @Test
    void anErrorNoCodeCaughtIsLoggedCountedAndKeepsHealthFailed() throws Exception {
        Health health = new Health(Clock.systemUTC(), AT_ONCE, metrics, failures);
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        failures.install();
        try {
            Thread worker = new Thread(() -> {
                throw new RuntimeException("a bug");
            }, "worker-1");
            worker.start();
            worker.join();
            assertTrue(health.check().ok(), "an exception ends its thread; the component watching it says more");
            assertEquals(1, metrics.count("syncready.uncaught.failures", "kind", "exception"));
            Thread dying = new Thread(() -> {
                throw new OutOfMemoryError("Java heap space (test)");
            }, "worker-2");
            dying.start();
            dying.join();
        } finally {
            failures.uninstall();
        }
        assertEquals(before, Thread.getDefaultUncaughtExceptionHandler());
        Health.Report r = health.check();
        assertEquals(List.of("uncaught_error"), codes(r));
        assertTrue(r.problems().get(0).message().contains("java.lang.OutOfMemoryError in thread worker-2"), r.problems().get(0).message());
        assertEquals(1, metrics.count("syncready.uncaught.failures", "kind", "error"));
        assertEquals(2, health.failures().size());
        // A scheduled task's throwable, which its executor would keep to itself, is reported through the guard.
        failures.guard("housekeeping", () -> {
            throw new StackOverflowError();
        }).run();
        assertEquals(2, metrics.count("syncready.uncaught.failures", "kind", "error"));
    }

    /** A trigger makes every status insert fail as a full disk would; dropping it is the disk freed. */
    private static void failInserts(Path file, boolean fail) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute(fail ? "CREATE TRIGGER fail_inserts BEFORE INSERT ON box_status BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END"
                    : "DROP TRIGGER fail_inserts");
        }
    }
}
