package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventRetentionTest {
    @TempDir
    Path dir;

    @Test
    void eventsOlderThanTheCutoffArePrunedInBatchesAndNewerOnesStay() throws Exception {
        try (Database db = Database.open(dir.resolve("store.db"))) {
            int old = SqlHistoryStore.PRUNE_BATCH * 2 + 7; // more than one batch, and not a multiple of it
            try (Connection c = db.pool().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO box_event(box_id, at, kind, detail) VALUES (?,?,?,?)")) {
                c.setAutoCommit(false);
                for (int i = 0; i < old; i++) {
                    ps.setString(1, "box-" + i % 3);
                    ps.setLong(2, 1_000 + i % 500);
                    ps.setString(3, "camera");
                    ps.setString(4, "cam-" + i + " ok -> fault");
                    ps.addBatch();
                }
                for (long at : new long[] {5_000, 6_000}) {
                    ps.setString(1, "box-1");
                    ps.setLong(2, at);
                    ps.setString(3, "online");
                    ps.setString(4, "connected");
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
            SqlHistoryStore history = new SqlHistoryStore(db);
            assertEquals(old, history.pruneEventsBefore(5_000));
            assertEquals(List.of(5_000L, 6_000L), history.events("box-1", 0, Long.MAX_VALUE, 100).stream()
                    .map(org.syncready.controller.fleet.BoxHistory.EventRecord::at).toList());
            assertEquals(0, history.pruneEventsBefore(5_000), "nothing left to prune");
        }
    }
}
