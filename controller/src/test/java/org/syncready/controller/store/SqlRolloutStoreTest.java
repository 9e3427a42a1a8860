package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.rollout.BoxState;
import org.syncready.controller.rollout.RolloutState;
import org.syncready.controller.rollout.RolloutStore;

/** The rollout store on a real SQLite file: bodies kept once per rollout, batches of reports and box states. */
class SqlRolloutStoreTest {
    @TempDir
    Path dir;
    private Database db;
    private SqlRolloutStore store;

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        store = new SqlRolloutStore(db);
    }

    /** The SQLite file; PostgresqlStoresTest runs the same tests on PostgreSQL. */
    Database openDatabase() throws Exception {
        return Database.open(dir.resolve("store.db"));
    }

    @AfterEach
    void close() {
        // Null when PostgresqlStoresTest skipped for want of a server: the skip must stay a skip.
        if (db != null) {
            db.close();
        }
    }

    @Test
    void boxesSharingABodyStoreItOnceAndReadItBackEach() throws Exception {
        String common = "{\"video\":{\"resolution\":\"1920x1080\"}}";
        String own = "{\"video\":{\"resolution\":\"1280x720\"}}";
        store.insertRollout(rollout("r-1"), List.of(box("r-1", "b1", 0, common), box("r-1", "b2", 1, own), box("r-1", "b3", 2, common)),
                Map.of("b1", "m/p"), 1_000);
        List<RolloutStore.BoxRow> back = store.rolloutBoxes("r-1");
        assertEquals(List.of("b1", "b2", "b3"), back.stream().map(RolloutStore.BoxRow::boxId).toList());
        assertEquals(List.of(common, own, common), back.stream().map(RolloutStore.BoxRow::body).toList());
        assertEquals(2, count("SELECT COUNT(*) FROM rollout_body WHERE rollout_id = 'r-1'"), "each distinct body once");
        assertEquals("m/p", store.boxProfiles().get("b1"));
    }

    @Test
    void aRowStoredBeforeBodiesWereSharedStillReadsItsOwnBody() throws Exception {
        store.insertRollout(rollout("r-old"), List.of(), Map.of(), 1_000);
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO rollout_box(rollout_id, box_id, position, wave, state, profile, body, updated_at) "
                    + "VALUES ('r-old', 'b9', 0, 0, 'pending', 'm/p', '{\"old\":true}', 1000)");
        }
        assertEquals("{\"old\":true}", store.rolloutBoxes("r-old").get(0).body());
    }

    @Test
    void reportsAndBoxStatesAreWrittenAsABatch() {
        store.insertRollout(rollout("r-2"), List.of(box("r-2", "b1", 0, "{}"), box("r-2", "b2", 1, "{}")), Map.of(), 1_000);
        store.putReported(List.of(new RolloutStore.Reported("b1", 3, "applied", null, 2_000),
                new RolloutStore.Reported("b2", 3, "rejected", "bad", 2_001)));
        store.putReported(List.of(new RolloutStore.Reported("b1", 4, "applied", null, 3_000)));
        assertEquals(4, store.reported().get("b1").version(), "the latest report per box");
        assertEquals("bad", store.reported().get("b2").error());

        store.updateBoxes(List.of(new RolloutStore.BoxRow("r-2", "b1", 0, 0, BoxState.APPLIED, "m/p", null, null, 4L, 1_500L, null, null),
                new RolloutStore.BoxRow("r-2", "b2", 1, 0, BoxState.REJECTED, "m/p", null, null, 3L, 1_500L, null, "bad")), 3_000);
        List<RolloutStore.BoxRow> back = store.rolloutBoxes("r-2");
        assertEquals(List.of(BoxState.APPLIED, BoxState.REJECTED), back.stream().map(RolloutStore.BoxRow::state).toList());
        assertEquals("{}", back.get(0).body(), "a state update leaves the body alone");
        assertEquals("bad", back.get(1).error());
    }

    private static RolloutStore.RolloutRow rollout(String id) {
        return new RolloutStore.RolloutRow(id, 1_000, "tester", "{}", RolloutState.RUNNING, 0, null, null, 0, -1);
    }

    private static RolloutStore.BoxRow box(String rollout, String boxId, int position, String body) {
        return new RolloutStore.BoxRow(rollout, boxId, position, 0, BoxState.PENDING, "m/p", body, null, null, null, null, null);
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
