package org.syncready.controller.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.fleet.BoxHistory;
import org.syncready.controller.fleet.BoxRecord;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.MessageCodec;

class SqlHistoryStoreTest {
    @TempDir
    Path dir;

    /** Issue 11, finding 3: a box that sent its state but no status yet stopped the next start. */
    @Test
    void theLatestStateOfABoxWithoutAStatusReadsBackAndRestores() throws Exception {
        try (Database db = Database.open(dir.resolve("store.db"))) {
            write(db, new BoxRecord.Presence("box-1", 1_000, true),
                    new BoxRecord.Event("box-1", 1_000, "online", "connected"));

            List<BoxHistory.LatestRecord> latest = new SqlHistoryStore(db).latest();
            assertEquals(1, latest.size());
            BoxHistory.LatestRecord r = latest.get(0);
            assertEquals("box-1", r.boxId());
            assertEquals(1_000L, r.lastSeen());
            assertTrue(r.online());
            assertNull(r.statusJson());
            assertNull(r.statusAt());
            assertNull(r.birthJson());

            LiveFleet fleet = new LiveFleet();
            fleet.restore(latest, new MessageCodec());
            assertEquals(Presence.OFFLINE, fleet.snapshot("box-1").orElseThrow().presence(),
                    "restored boxes are offline until the broker says otherwise");
            assertNull(fleet.snapshot("box-1").orElseThrow().statusReceivedAt());
        }
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
}
