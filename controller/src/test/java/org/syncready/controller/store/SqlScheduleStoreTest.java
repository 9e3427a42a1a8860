package org.syncready.controller.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.schedule.ScheduleStore;
import org.syncready.controller.schedule.ScheduleStoreContract;

class SqlScheduleStoreTest extends ScheduleStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected ScheduleStore newStore() throws Exception {
        db = Database.open(dir.resolve("store.db"));
        return new SqlScheduleStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }
}
