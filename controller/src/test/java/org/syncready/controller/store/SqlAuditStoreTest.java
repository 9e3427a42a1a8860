package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditQuery;
import org.syncready.controller.audit.AuditStore;
import org.syncready.controller.audit.AuditStoreContract;

class SqlAuditStoreTest extends AuditStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected AuditStore newStore() throws Exception {
        db = Database.open(dir.resolve("store.db"));
        return new SqlAuditStore(db);
    }

    @Test
    void entriesCannotBeChangedOrDeleted() throws Exception {
        AuditStore store = newStore();
        store.append(new AuditEntry(0, 1_000, "wang", "10.0.0.8", "session.delete", "session ss-1", null, "ok 200"));
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            SQLException update = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit SET actor = 'someone else'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit"));
            assertTrue(delete.getMessage().contains("append-only"), delete.getMessage());
        }
        assertEquals("wang", store.list(AuditQuery.newest(1)).get(0).actor());
    }

    @AfterEach
    void close() {
        db.close();
    }
}
