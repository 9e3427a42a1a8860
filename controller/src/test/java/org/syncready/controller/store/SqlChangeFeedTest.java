package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syncready.controller.cluster.ChangeFeed;
import org.syncready.controller.fleet.BoxHistory;
import org.syncready.controller.fleet.School;

/** The change marks several nodes read (migration V10), against a real PostgreSQL. */
class SqlChangeFeedTest {

    @Test
    void eachAreaCountsItsChangesPerNodeOncePerTransaction() throws Exception {
        try (TestPostgresql pg = TestPostgresql.create(); Database node1 = Database.open(pg.location(), "syncready-controller-n1");
             Database node2 = Database.open(pg.location(), "syncready-controller-n2")) {
            SqlChangeFeed feed = new SqlChangeFeed(node1);
            assertEquals(Map.of(), feed.versions());
            new SqlFleetStore(node1).addSchool(new School("s1", "一中", "No. 1"), 1);
            new SqlFleetStore(node2).addSchool(new School("s2", "二中", "No. 2"), 2);
            new SqlFleetStore(node2).addSchool(new School("s3", "三中", "No. 3"), 3);
            assertEquals(Map.of("fleet", Map.of("syncready-controller-n1", 1L, "syncready-controller-n2", 2L)), feed.versions());

            // A transaction writing many rows of an area counts once.
            try (Connection c = node2.openSessionConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO term(id, body, updated_at) VALUES ('t1', '{}', 1)");
                s.execute("INSERT INTO term(id, body, updated_at) VALUES ('t2', '{}', 1)");
                c.commit();
            }
            assertEquals(Map.of("syncready-controller-n2", 1L), feed.versions().get("schedule"));
        }
    }

    @Test
    void aLateCommitIsReadWhenItCommitsNeverSkipped() throws Exception {
        try (TestPostgresql pg = TestPostgresql.create(); Database db = pg.open()) {
            SqlChangeFeed feed = new SqlChangeFeed(db);
            latest(pg, "b1", 1);
            ChangeFeed.LatestChanges all = feed.latestSince(0);
            assertEquals(List.of("b1"), ids(all));

            try (Connection slow = pg.connect(); Statement s = slow.createStatement()) {
                slow.setAutoCommit(false);
                s.execute("INSERT INTO box_latest(box_id, last_seen, online) VALUES ('b2', 2, 1)");
                // Another writer commits meanwhile, after the slow one began.
                latest(pg, "b3", 3);
                ChangeFeed.LatestChanges second = feed.latestSince(all.next());
                assertEquals(List.of("b3"), ids(second), "the uncommitted row is not visible yet");
                slow.commit();
                ChangeFeed.LatestChanges third = feed.latestSince(second.next());
                assertTrue(ids(third).contains("b2"), "read once it committed: " + ids(third));
            }
            ChangeFeed.LatestChanges quiet = feed.latestSince(feed.latestSince(0).next());
            assertEquals(List.of(), ids(quiet), "nothing written since: nothing read");
        }
    }

    private static void latest(TestPostgresql pg, String box, long lastSeen) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO box_latest(box_id, last_seen, online) VALUES ('" + box + "', " + lastSeen + ", 1)");
        }
    }

    private static List<String> ids(ChangeFeed.LatestChanges changes) {
        return changes.rows().stream().map(BoxHistory.LatestRecord::boxId).sorted().toList();
    }
}
