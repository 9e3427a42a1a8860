package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.DeviceState;

/**
 * The controller acknowledges a message to the broker only once its rows are committed: while the
 * store fails, nothing is acknowledged (the broker keeps the messages), and everything is once it
 * recovers.
 */
class IngestAcknowledgementTest {
    @TempDir
    Path dir;

    private static double counter(ControllerFixture api, String name) throws Exception {
        String line = api.metricsText().lines().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void nothingIsAcknowledgedBeforeItIsCommitted() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir)) {
            String password = api.registerBox("s", "c", "box-ack");
            try (RawBox box = new RawBox(api.controller.brokerUri(), "box-ack", password)) {
                box.birth();
                box.status(DeviceState.OK);
                await().atMost(Duration.ofSeconds(20)).until(() -> counter(api, "syncready_ingest_acks_sent_total") >= 2);
                failInserts(dir.resolve("syncready.db"), true);
                double before = counter(api, "syncready_ingest_acks_sent_total");
                long seq = 0;
                for (int i = 0; i < 5; i++) {
                    seq = box.status(DeviceState.OK);
                }
                long last = seq;
                // The broker holds what is not acknowledged: ingest waits for the store instead of running ahead of it.
                await().pollDelay(3, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(() -> true);
                assertEquals(before, counter(api, "syncready_ingest_acks_sent_total"), "nothing acknowledged while the store fails");
                failInserts(dir.resolve("syncready.db"), false);
                await().atMost(Duration.ofSeconds(30)).until(() -> counter(api, "syncready_ingest_acks_sent_total") >= before + 5);
                await().atMost(Duration.ofSeconds(10)).until(() -> api.controller.fleet().snapshot("box-ack").orElseThrow()
                        .status().seq() == last);
                assertEquals(6, api.get("/api/v1/boxes/box-ack/history").body().path("items").size());
            }
        }
    }

    /** A trigger makes every status insert fail as a full disk would; dropping it is the disk freed. */
    private static void failInserts(Path file, boolean fail) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute(fail ? "CREATE TRIGGER fail_inserts BEFORE INSERT ON box_status BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END"
                    : "DROP TRIGGER fail_inserts");
        }
    }
}
