package org.syncready.controller.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.fleet.BoxRecord;
import org.syncready.controller.metrics.ControllerMetrics;

class StatusWriterTest {
    @TempDir
    Path dir;

    @Test
    void redeliveredStatusesAreStoredOnceAndTheLatestWins() throws Exception {
        Path file = dir.resolve("store.db");
        try (Database db = Database.open(file)) {
            writeOneBatch(db,
                    new BoxRecord.Status("box-1", 1_000, 900, "boot-a", 1, "{\"seq\":1}"),
                    new BoxRecord.Status("box-1", 1_001, 900, "boot-a", 1, "{\"seq\":1}"),
                    new BoxRecord.Status("box-1", 2_000, 1_900, "boot-a", 2, "{\"seq\":2}"),
                    new BoxRecord.Status("box-1", 3_000, 2_900, "boot-b", 1, "{\"seq\":1,\"boot\":\"b\"}"));
            assertEquals(3, count(file, "SELECT count(*) FROM box_status"));
            assertEquals(1, count(file, "SELECT count(*) FROM box_status WHERE box_id='box-1' AND boot_id='boot-a' AND seq=1"));
            assertEquals("{\"seq\":1,\"boot\":\"b\"}", text(file, "SELECT status FROM box_latest WHERE box_id='box-1'"));
        }
    }

    @Test
    void theLastLiveStatusOfABatchWinsInBoxLatestAndHistoryNeverDoes() throws Exception {
        Path file = dir.resolve("store.db");
        try (Database db = Database.open(file)) {
            // The live fleet orders by boot and seq, not by any clock: received_at says nothing here.
            writeOneBatch(db,
                    new BoxRecord.Status("box-1", 5_000, 4_900, "boot-a", 5, "{\"seq\":5}"),
                    new BoxRecord.Status("box-2", 4_500, 4_400, "boot-z", 1, "{\"box\":2}"),
                    new BoxRecord.Status("box-1", 4_000, 3_900, "boot-a", 6, "{\"seq\":6}"),
                    new BoxRecord.Status("box-1", 6_000, 9_999_999, "boot-a", 2, "{\"seq\":2}", false));
            assertEquals("{\"seq\":6}", text(file, "SELECT status FROM box_latest WHERE box_id='box-1'"));
            assertEquals(4_000, count(file, "SELECT status_at FROM box_latest WHERE box_id='box-1'"));
            assertEquals("{\"box\":2}", text(file, "SELECT status FROM box_latest WHERE box_id='box-2'"));
            assertEquals(4, count(file, "SELECT count(*) FROM box_status"));

            // A later batch with history only (a replay, an older boot) does not overwrite the live one.
            writeOneBatch(db, new BoxRecord.Status("box-1", 7_000, 2_900, "boot-old", 3, "{\"seq\":3}", false));
            assertEquals("{\"seq\":6}", text(file, "SELECT status FROM box_latest WHERE box_id='box-1'"));
            assertEquals(5, count(file, "SELECT count(*) FROM box_status"));
        }
    }

    @Test
    void anAfterCommitActionRunsOnlyOnceTheRowsBeforeItAreCommitted() throws Exception {
        Path file = dir.resolve("store.db");
        try (Database db = Database.open(file)) {
            StatusWriter writer = new StatusWriter(db, new ControllerMetrics(), 100, 10, 50);
            java.util.List<Long> seenByAction = new java.util.concurrent.CopyOnWriteArrayList<>();
            writer.put(new BoxRecord.Status("box-1", 1_000, 900, "boot-a", 1, "{}"));
            writer.put(new BoxRecord.Status("box-1", 1_100, 1_000, "boot-a", 2, "{}"));
            // What another connection sees when the action runs: the rows are durable by then.
            writer.afterCommit(() -> seenByAction.add(countUnchecked(file, "SELECT count(*) FROM box_status")));
            writer.put(new BoxRecord.Status("box-1", 1_200, 1_100, "boot-a", 3, "{}"));
            writer.afterCommit(() -> seenByAction.add(countUnchecked(file, "SELECT count(*) FROM box_status")));
            writer.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> seenByAction.size() == 2);
            assertTrue(seenByAction.get(0) >= 2, seenByAction.toString());
            assertEquals(3, seenByAction.get(1));
            writer.close();
        }
    }

    @Test
    void whileTheStoreFailsNoActionRunsAndTheFailureIsVisible() throws Exception {
        Path file = dir.resolve("store.db");
        try (Database db = Database.open(file)) {
            failInserts(file, true);
            ControllerMetrics metrics = new ControllerMetrics();
            StatusWriter writer = new StatusWriter(db, metrics, 100, 10, 10);
            java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
            writer.start();
            long before = System.currentTimeMillis();
            writer.put(new BoxRecord.Status("box-1", 1_000, 900, "boot-a", 1, "{}"));
            writer.afterCommit(acknowledged::incrementAndGet);
            await().atMost(10, TimeUnit.SECONDS).until(() -> writer.failingSince() > 0);
            assertTrue(writer.failingSince() >= before);
            await().pollDelay(500, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(() -> true);
            assertEquals(0, acknowledged.get(), "not committed, so not acknowledged");
            assertTrue(metrics.count("syncready.store.write.failures") >= 1);
            failInserts(file, false);
            await().atMost(15, TimeUnit.SECONDS).until(() -> acknowledged.get() == 1);
            assertEquals(0, writer.failingSince());
            assertEquals(1, count(file, "SELECT count(*) FROM box_status"));
            writer.close();
        }
    }

    @Test
    void aPutThatFindsTheQueueFullIsVisible() throws Exception {
        Path file = dir.resolve("store.db");
        try (Database db = Database.open(file)) {
            StatusWriter writer = new StatusWriter(db, new ControllerMetrics(), 2, 10);
            writer.put(new BoxRecord.Status("box-1", 1, 1, "boot-a", 1, "{}"));
            writer.put(new BoxRecord.Status("box-1", 2, 2, "boot-a", 2, "{}"));
            assertEquals(0, writer.fullSince());
            Thread blocked = new Thread(() -> {
                try {
                    writer.put(new BoxRecord.Status("box-1", 3, 3, "boot-a", 3, "{}"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            blocked.start();
            await().atMost(5, TimeUnit.SECONDS).until(() -> writer.fullSince() > 0);
            writer.start();
            blocked.join(10_000);
            await().atMost(10, TimeUnit.SECONDS).until(() -> writer.written() == 3 && writer.fullSince() == 0);
            writer.close();
        }
    }

    /** A trigger makes every status insert fail as a full disk would; dropping it is the disk freed. */
    static void failInserts(Path file, boolean fail) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute(fail ? "CREATE TRIGGER fail_inserts BEFORE INSERT ON box_status BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END"
                    : "DROP TRIGGER fail_inserts");
        }
    }

    private static long countUnchecked(Path file, String sql) {
        try {
            return count(file, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rowsArrivingWithinTheLingerTimeShareOneTransaction() throws Exception {
        Path file = dir.resolve("store.db");
        ControllerMetrics metrics = new ControllerMetrics();
        try (Database db = Database.open(file)) {
            StatusWriter writer = new StatusWriter(db, metrics, 100, 10, 2_000);
            writer.start();
            writer.put(new BoxRecord.Status("box-1", 1_000, 900, "boot-a", 1, "{}"));
            // The second row comes well after the writer took the first, but within its linger time.
            await().pollDelay(200, TimeUnit.MILLISECONDS).atMost(1, TimeUnit.SECONDS).until(() -> true);
            writer.put(new BoxRecord.Status("box-1", 1_100, 1_000, "boot-a", 2, "{}"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> writer.written() == 2);
            writer.close();
        }
        String transactions = metrics.scrape().lines().filter(l -> l.startsWith("syncready_store_batch_size_count"))
                .findFirst().orElseThrow();
        assertEquals(1.0, Double.parseDouble(transactions.substring(transactions.lastIndexOf(' ') + 1)),
                "one transaction for both rows: " + transactions);
        assertEquals(2, count(file, "SELECT count(*) FROM box_status"));
    }

    @Test
    void closingWhileLingeringStillWritesTheGatheredRows() throws Exception {
        Path file = dir.resolve("store.db");
        try (Database db = Database.open(file)) {
            StatusWriter writer = new StatusWriter(db, new ControllerMetrics(), 100, 10, 60_000);
            writer.start();
            writer.put(new BoxRecord.Status("box-1", 1_000, 900, "boot-a", 1, "{}"));
            await().atMost(5, TimeUnit.SECONDS).until(() -> writer.depth() == 0);
            writer.close();
            assertEquals(1, writer.written());
        }
        assertEquals(1, count(file, "SELECT count(*) FROM box_status"));
    }

    @Test
    void statusRowsLiveInARowidTableWithTheRedeliveryKeyUnique() throws Exception {
        Path file = dir.resolve("store.db");
        Database.open(file).close();
        String sql = text(file, "SELECT sql FROM sqlite_master WHERE type='table' AND name='box_status'");
        // Large rows in a WITHOUT ROWID table made every insert split pages (see V4__box_status_rowid.sql).
        assertFalse(sql.toUpperCase().contains("WITHOUT ROWID"), sql);
        assertTrue(sql.replaceAll("\\s+", " ").contains("UNIQUE (box_id, boot_id, seq)"), sql);
        assertEquals(2, count(file, "SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN ('box_status_time','box_status_received')"));
    }

    @Test
    void theMigrationKeepsStatusesStoredBeforeIt() throws Exception {
        Path file = dir.resolve("old.db");
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).locations(Dialect.SQLITE.migrations())
                .target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO box_status(box_id, boot_id, seq, received_at, ts, payload) VALUES ('box-9','boot',7,5000,4900,'{\"seq\":7}')");
        }
        Database.open(file).close();
        assertEquals(1, count(file, "SELECT count(*) FROM box_status WHERE box_id='box-9' AND seq=7 AND received_at=5000"));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // The redelivery key still holds after the copy.
            assertEquals(0, s.executeUpdate("INSERT OR IGNORE INTO box_status(box_id, boot_id, seq, received_at, ts, payload) VALUES ('box-9','boot',7,6000,4900,'{}')"));
        }
    }

    /**
     * Writes {@code statuses} with a new writer. They are queued before it starts, so they land in one batch
     * (box_latest is written once per box and batch).
     */
    private static void writeOneBatch(Database db, BoxRecord.Status... statuses) throws InterruptedException {
        StatusWriter writer = new StatusWriter(db, new ControllerMetrics(), 100, 10);
        for (BoxRecord.Status s : statuses) {
            writer.put(s);
        }
        writer.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> writer.written() == statuses.length);
        writer.close();
    }

    private static long count(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
