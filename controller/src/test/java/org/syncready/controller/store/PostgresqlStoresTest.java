package org.syncready.controller.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.syncready.controller.account.Role;
import org.syncready.controller.account.User;
import org.syncready.controller.alert.AlertStore;
import org.syncready.controller.alert.AlertStoreContract;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditQuery;
import org.syncready.controller.audit.AuditStore;
import org.syncready.controller.audit.AuditStoreContract;
import org.syncready.controller.enroll.EnrollmentStore;
import org.syncready.controller.enroll.EnrollmentStoreContract;
import org.syncready.controller.fleet.BoxHistory;
import org.syncready.controller.fleet.BoxRecord;
import org.syncready.controller.fleet.FleetStore;
import org.syncready.controller.fleet.FleetStoreContract;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.CheckStoreContract;
import org.syncready.controller.schedule.ScheduleStore;
import org.syncready.controller.schedule.ScheduleStoreContract;

/**
 * The store contracts the in-memory fakes and SQLite pass, run against PostgreSQL (each test on a fresh
 * schema, {@link TestPostgresql}), and the SQL the contracts do not reach: the status writer's upserts,
 * the audit log's append-only triggers, a taken user name.
 */
class PostgresqlStoresTest {
    private TestPostgresql pg;
    private final List<Database> opened = new ArrayList<>();

    @BeforeEach
    void schema() {
        pg = TestPostgresql.create();
    }

    @AfterEach
    void drop() {
        opened.forEach(Database::close);
        if (pg != null) {
            pg.close();
        }
    }

    Database open() throws Exception {
        Database db = pg.open();
        opened.add(db);
        return db;
    }

    @Nested
    class Fleet extends FleetStoreContract {
        @Override
        protected FleetStore newStore() throws Exception {
            return new SqlFleetStore(open());
        }
    }

    @Nested
    class Schedule extends ScheduleStoreContract {
        @Override
        protected ScheduleStore newStore() throws Exception {
            return new SqlScheduleStore(open());
        }
    }

    @Nested
    class Readiness extends CheckStoreContract {
        @Override
        protected CheckStore newStore() throws Exception {
            return new SqlReadinessStore(open(), new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
        }
    }

    @Nested
    class Audit extends AuditStoreContract {
        @Override
        protected AuditStore newStore() throws Exception {
            return new SqlAuditStore(open());
        }
    }

    @Nested
    class Enrollment extends EnrollmentStoreContract {
        @Override
        protected EnrollmentStore newStore() throws Exception {
            return new SqlEnrollmentStore(open());
        }
    }

    @Nested
    class Alerts extends AlertStoreContract {
        @Override
        protected AlertStore newStore() throws Exception {
            return new SqlAlertStore(open());
        }
    }

    /** Not a contract of the rollout package: the SQLite store's own tests, on PostgreSQL. */
    @Nested
    class Rollouts extends SqlRolloutStoreTest {
        @Override
        Database openDatabase() throws Exception {
            return PostgresqlStoresTest.this.open();
        }
    }

    @Test
    void auditEntriesCannotBeChangedOrDeleted() throws Exception {
        Database db = open();
        AuditStore store = new SqlAuditStore(db);
        store.append(new AuditEntry(0, 1_000, "wang", "10.0.0.8", "session.delete", "session ss-1", null, "ok 200"));
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            SQLException update = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit SET actor = 'someone else'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit"));
            assertTrue(delete.getMessage().contains("append-only"), delete.getMessage());
            SQLException truncate = assertThrows(SQLException.class, () -> s.executeUpdate("TRUNCATE audit"));
            assertTrue(truncate.getMessage().contains("append-only"), truncate.getMessage());
        }
        assertEquals("wang", store.list(AuditQuery.newest(1)).get(0).actor());
    }

    @Test
    void redeliveredStatusesAreStoredOnceAndLastSeenOnlyMovesForward() throws Exception {
        Database db = open();
        write(db,
                new BoxRecord.Status("box-1", 1_000, 900, "boot-a", 1, "{\"seq\":1}"),
                new BoxRecord.Status("box-1", 1_001, 900, "boot-a", 1, "{\"seq\":1}"),
                new BoxRecord.Status("box-1", 3_000, 2_900, "boot-b", 1, "{\"boot\":\"b\"}"),
                new BoxRecord.Presence("box-2", 5_000, true));
        // An older presence (a late redelivery) changes online but never moves last_seen back.
        write(db, new BoxRecord.Presence("box-2", 4_000, false), new BoxRecord.Event("box-2", 4_000, "offline", "gone"));

        assertEquals(2, query(db, "SELECT count(*) FROM box_status"));
        List<BoxHistory.LatestRecord> latest = new SqlHistoryStore(db).latest();
        BoxHistory.LatestRecord one = latest.stream().filter(r -> r.boxId().equals("box-1")).findFirst().orElseThrow();
        assertEquals("{\"boot\":\"b\"}", one.statusJson());
        assertEquals(3_000L, one.lastSeen());
        BoxHistory.LatestRecord two = latest.stream().filter(r -> r.boxId().equals("box-2")).findFirst().orElseThrow();
        assertEquals(5_000L, two.lastSeen());
        assertFalse(two.online());
        assertEquals(1, new SqlHistoryStore(db).events("box-2", 0, 10_000, 10).size());
        assertEquals(2, new SqlHistoryStore(db).statusHistory("box-1", 0, 10_000, 10).size());
    }

    @Test
    void aTakenUserNameIsRefusedAndTheStoreGoesOn() throws Exception {
        SqlAccountStore accounts = new SqlAccountStore(open());
        User wang = new User("wang", Role.ADMIN, Set.of(), "Wang", 1_000, 1_000, false);
        assertTrue(accounts.insertUser(wang, "hash-1"));
        assertFalse(accounts.insertUser(wang, "hash-2"));
        assertEquals(1, accounts.userCount());
        assertTrue(accounts.updateUser(new User("wang", Role.BUREAU, Set.of(), "Wang W.", 1_000, 1_000, true)));
        assertEquals(Role.BUREAU, accounts.users().get(0).role());
    }

    private static void write(Database db, BoxRecord... records) throws InterruptedException {
        StatusWriter writer = new StatusWriter(db, new ControllerMetrics(), 100, 10);
        for (BoxRecord r : records) {
            writer.put(r);
        }
        writer.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> writer.written() == records.length);
        writer.close();
    }

    private static long query(Database db, String sql) throws SQLException {
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
