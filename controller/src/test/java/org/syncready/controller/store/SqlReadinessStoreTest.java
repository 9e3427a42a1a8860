package org.syncready.controller.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.CheckStoreContract;

class SqlReadinessStoreTest extends CheckStoreContract {
    @TempDir
    Path dir;
    private Database db;

    @Override
    protected CheckStore newStore() throws Exception {
        db = Database.open(dir.resolve("readiness.db"));
        return new SqlReadinessStore(db, new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
    }

    @AfterEach
    void close() {
        db.close();
    }
}
