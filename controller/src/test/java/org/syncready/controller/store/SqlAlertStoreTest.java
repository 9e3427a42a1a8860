package org.syncready.controller.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.alert.AlertStore;
import org.syncready.controller.alert.AlertStoreContract;

class SqlAlertStoreTest extends AlertStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected AlertStore newStore() throws Exception {
        db = Database.open(dir.resolve("store.db"));
        return new SqlAlertStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }
}
