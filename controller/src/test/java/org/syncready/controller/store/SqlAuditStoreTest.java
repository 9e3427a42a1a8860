package org.syncready.controller.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
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

    @AfterEach
    void close() {
        db.close();
    }
}
