package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every connection the store hands out runs with the settings the store relies on. The pool's used
 * to run only the first of its PRAGMAs: an fsync at every commit while holding SQLite's write lock
 * (a rollout's 10,000 reports, two commits each, kept the store writer, and so ingest's
 * acknowledgements, waiting).
 */
class DatabaseTest {
    @TempDir
    Path dir;
    private Database db;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("store.db"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void poolConnectionsWaitForTheLockAndDoNotSyncEveryCommit() throws Exception {
        // More than one: every connection of the pool, not only the first.
        try (Connection a = db.pool().getConnection(); Connection b = db.pool().getConnection()) {
            for (Connection c : new Connection[] {a, b}) {
                assertEquals("10000", pragma(c, "busy_timeout"));
                assertEquals("1", pragma(c, "synchronous"), "NORMAL (1), not FULL (2)");
                assertEquals("wal", pragma(c, "journal_mode"));
            }
        }
    }

    @Test
    void theWritersConnectionToo() throws Exception {
        try (Connection c = db.openWriterConnection()) {
            assertEquals("10000", pragma(c, "busy_timeout"));
            assertEquals("1", pragma(c, "synchronous"));
        }
    }
}
