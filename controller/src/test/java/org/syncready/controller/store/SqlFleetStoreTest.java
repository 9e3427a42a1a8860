package org.syncready.controller.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.fleet.FleetStore;
import org.syncready.controller.fleet.FleetStoreContract;

class SqlFleetStoreTest extends FleetStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected FleetStore newStore() throws Exception {
        db = Database.open(dir.resolve("store.db"));
        return new SqlFleetStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }
}
