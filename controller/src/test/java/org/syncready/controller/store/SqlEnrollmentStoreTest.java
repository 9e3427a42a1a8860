package org.syncready.controller.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.enroll.EnrollmentStore;
import org.syncready.controller.enroll.EnrollmentStoreContract;

class SqlEnrollmentStoreTest extends EnrollmentStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected EnrollmentStore newStore() throws Exception {
        db = Database.open(dir.resolve("store.db"));
        return new SqlEnrollmentStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }
}
