package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.store.TestPostgresql;
import org.syncready.protocol.DeviceState;

/**
 * A whole controller on {@code --store postgresql://...}: a box registered over the API, its status
 * ingested over MQTT lands in PostgreSQL once, and a restart finds the box and its last status there.
 */
class ControllerOnPostgresqlTest {
    @TempDir
    Path data;

    @Test
    void aBoxRegisteredAndItsStatusStoredInPostgresqlSurviveARestart() throws Exception {
        try (TestPostgresql pg = TestPostgresql.create()) {
            ControllerConfig config = ControllerConfig.builder(data).freePorts().store(pg.location()).build();
            try (ControllerFixture first = new ControllerFixture(config)) {
                String password = first.registerBox("s", "c", "box-1");
                try (RawBox box = new RawBox(first.controller.brokerUri(), "box-1", password)) {
                    box.birth();
                    box.status(DeviceState.OK);
                    await().atMost(Duration.ofSeconds(15)).until(() -> count(pg, "SELECT count(*) FROM box_status WHERE box_id = 'box-1'") == 1);
                }
                assertEquals(1, count(pg, "SELECT count(*) FROM box WHERE id = 'box-1'"));
                assertEquals(1, count(pg, "SELECT count(*) FROM app_user WHERE username = 'admin'"));
                assertFalse(data.resolve("syncready.db").toFile().exists(), "no SQLite file beside a PostgreSQL store");
            }

            try (ControllerFixture second = new ControllerFixture(config)) {
                ControllerFixture.Response box = second.get("/api/v1/boxes/box-1");
                assertEquals(200, box.status(), box.text());
                assertFalse(box.body().path("lastSeen").isNull(), "last seen read back from PostgreSQL: " + box.text());
                assertEquals(1, count(pg, "SELECT count(*) FROM box_status WHERE box_id = 'box-1'"), "stored once");
            }
        }
    }

    private static long count(TestPostgresql pg, String sql) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
