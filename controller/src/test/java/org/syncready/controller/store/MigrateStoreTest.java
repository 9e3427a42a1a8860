package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditQuery;
import org.syncready.controller.cli.SyncReadyCli;
import org.syncready.controller.fleet.FleetStore;

/** {@code syncready migrate-store}: a SQLite data folder with rows in many tables into PostgreSQL, and every way it is refused. */
class MigrateStoreTest {
    @TempDir
    Path dir;
    private TestPostgresql pg;
    private Path passwordFile;

    @BeforeEach
    void setUp() throws Exception {
        pg = TestPostgresql.create();
        passwordFile = secretFile("pw", pg.location().password());
    }

    @AfterEach
    void tearDown() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void copiesEveryTableInBatchesAndTheCopyIsUsable() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (Database db = Database.open(data.resolve("syncready.db"))) {
            fill(db);
        }

        Result r = run("migrate-store", "--data", data.toString(), "--to", pg.location().toString(),
                "--store-password-file", passwordFile.toString(), "--batch", "7");
        assertEquals(0, r.code, r.all());
        assertTrue(r.out.contains("verified: "), r.out);
        assertTrue(r.out.matches("(?s).*box_status\\s+250 rows copied.*"), r.out);
        assertFalse(r.out.contains("DIFFERENT"), r.out);
        assertFalse(r.all().contains(pg.location().password()), "the password is never printed");

        try (Database copy = pg.open(); Connection c = pg.connect(); Statement s = c.createStatement()) {
            assertEquals(250, count(s, "box_status"));
            assertEquals(40, count(s, "box_event"));
            assertEquals(12, count(s, "audit"));
            FleetStore.Registered fleet = new SqlFleetStore(copy).load();
            assertEquals(2, fleet.schools().size());
            assertEquals(3, fleet.boxes().size());
            // The identity sequences moved past the copied ids: a new row does not collide.
            SqlAuditStore audit = new SqlAuditStore(copy);
            audit.append(new AuditEntry(0, 99_000, "admin", null, "store.migrated", "store", null, "ok"));
            List<AuditEntry> newest = audit.list(AuditQuery.newest(1));
            assertEquals("store.migrated", newest.get(0).action());
            assertEquals(13, newest.get(0).id());
        }

        // Run again: the target now holds rows, and nothing is written.
        Result again = run("migrate-store", "--data", data.toString(), "--to", pg.location().toString(),
                "--store-password-file", passwordFile.toString());
        assertEquals(1, again.code, again.all());
        assertTrue(again.err.contains("the target database is not empty"), again.err);
        assertTrue(again.err.contains("box_status (250 rows)"), again.err);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            assertEquals(250, count(s, "box_status"));
        }
    }

    @Test
    void badInputIsAClearErrorWithItsExitCode() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (Database db = Database.open(data.resolve("syncready.db"))) {
            fill(db);
        }
        String url = pg.location().toString();

        Result badUrl = run("migrate-store", "--data", data.toString(), "--to", "postgresql://127.0.0.1/syncready");
        assertEquals(2, badUrl.code, badUrl.all());
        assertTrue(badUrl.err.contains("names no user"), badUrl.err);

        Result passwordInUrl = run("migrate-store", "--data", data.toString(), "--to", url + "&password=hunter2");
        assertEquals(2, passwordInUrl.code, passwordInUrl.all());
        assertTrue(passwordInUrl.err.contains("must not carry the password"), passwordInUrl.err);
        assertFalse(passwordInUrl.all().contains("hunter2"), passwordInUrl.all());

        Result noSource = run("migrate-store", "--data", dir.resolve("nowhere").toString(), "--to", url,
                "--store-password-file", passwordFile.toString());
        assertEquals(1, noSource.code, noSource.all());
        assertTrue(noSource.err.contains("no SQLite database at"), noSource.err);
        assertFalse(Files.exists(dir.resolve("nowhere")), "a missing data folder is not created");

        Path wrong = secretFile("wrong", "not-the-password");
        Result wrongPassword = run("migrate-store", "--data", data.toString(), "--to", url, "--store-password-file", wrong.toString());
        assertEquals(4, wrongPassword.code, wrongPassword.all());
        assertTrue(wrongPassword.err.contains("password authentication failed"), wrongPassword.err);
        assertFalse(wrongPassword.all().contains("not-the-password"), wrongPassword.all());

        Path open = Files.writeString(dir.resolve("open"), pg.location().password());
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Result readable = run("migrate-store", "--data", data.toString(), "--to", url, "--store-password-file", open.toString());
        assertEquals(1, readable.code, readable.all());
        assertTrue(readable.err.contains("readable by others"), readable.err);

        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Result down = run("migrate-store", "--data", data.toString(), "--to",
                "postgresql://127.0.0.1:" + closedPort + "/syncready?user=syncready", "--store-password-file", passwordFile.toString());
        assertEquals(4, down.code, down.all());
        assertTrue(down.err.contains("127.0.0.1:" + closedPort) && down.err.toLowerCase().contains("refused"), down.err);

        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "no refused run reached the target");
            }
        }
    }

    /** Rows in most tables, with explicit and generated ids, the way a controller leaves them. */
    private static void fill(Database db) throws Exception {
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO school VALUES ('s1','一中','No. 1',1), ('s2','二中','No. 2',2)");
            s.execute("INSERT INTO classroom VALUES ('c1','s1','一班','Class 1',1), ('c2','s2','二班','Class 2',2)");
            s.execute("INSERT INTO box VALUES ('b1','c1','m','h1',1), ('b2','c1','m','h2',1), ('b3','c2','m','h3',1)");
            for (int i = 0; i < 250; i++) {
                s.execute("INSERT INTO box_status VALUES ('b" + (i % 3 + 1) + "','boot'," + i + "," + (1000 + i) + "," + i + ",'{\"n\":" + i + "}')");
            }
            for (int i = 0; i < 40; i++) {
                s.execute("INSERT INTO box_event(box_id, at, kind, detail) VALUES ('b1'," + i + ",'online',NULL)");
            }
            s.execute("INSERT INTO box_latest(box_id, last_seen, online, boot_id, birth, status, status_at) VALUES ('b1', 5000, 1, 'boot', NULL, '{}', 4000)");
            for (int i = 0; i < 12; i++) {
                s.execute("INSERT INTO audit(at, actor, action, target, detail, result, source) VALUES (" + i + ",'admin','box.add','b1',NULL,'ok','127.0.0.1')");
            }
            s.execute("INSERT INTO app_user VALUES ('admin','admin','$argon2id$x','Admin',1,1,0)");
            s.execute("INSERT INTO user_school VALUES ('admin','s1')");
            s.execute("INSERT INTO term VALUES ('2026-autumn','{}',1)");
            s.execute("INSERT INTO alert_notice(topic, school_id, trigger_name, at, body) VALUES ('box','s1','offline',1,'{}')");
            s.execute("INSERT INTO readiness_check(session_id, checked_at, trigger, verdict, detail) VALUES ('ss1',1,'T-30','READY','{}')");
        }
    }

    private static long count(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Path secretFile(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, content + "\n");
        return f;
    }

    private record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n" + out + "\n" + err;
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SyncReadyCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
