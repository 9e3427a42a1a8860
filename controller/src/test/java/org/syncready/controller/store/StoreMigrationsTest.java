package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two migration folders stay twins: the same versions, and after migrating, the same tables with the
 * same columns (what migrate-store and the shared SQL rely on). A new migration put in the old shared
 * folder instead of sqlite/ would never run: none may be there.
 */
class StoreMigrationsTest {
    @TempDir
    Path dir;

    private static Path folder(String name) throws Exception {
        URL url = StoreMigrationsTest.class.getResource("/org/syncready/controller/store/migration/" + name);
        return Path.of(url.toURI());
    }

    private static TreeSet<String> versions(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            TreeSet<String> out = new TreeSet<>();
            files.map(p -> p.getFileName().toString()).forEach(n -> {
                assertTrue(n.matches("V\\d+__[a-z0-9_]+\\.sql"), "unexpected file " + n + " in " + folder);
                out.add(n.substring(0, n.indexOf("__")));
            });
            return out;
        }
    }

    @Test
    void bothFoldersHaveTheSameVersionsAndTheSharedFolderNone() throws Exception {
        assertEquals(versions(folder("sqlite")), versions(folder("postgresql")),
                "every SQLite migration needs its PostgreSQL twin with the same version, and the other way round");
        try (Stream<Path> files = Files.list(folder(""))) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".sql")),
                    "migrations belong in migration/sqlite or migration/postgresql (Flyway reads only those)");
        }
    }

    @Test
    void bothDatabasesEndWithTheSameTablesAndColumns() throws Exception {
        Map<String, TreeSet<String>> sqlite = new TreeMap<>();
        try (Database db = Database.open(dir.resolve("s.db")); Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p"
                     + " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name <> 'flyway_schema_history'")) {
            while (rs.next()) {
                sqlite.computeIfAbsent(rs.getString(1), t -> new TreeSet<>()).add(rs.getString(2));
            }
        }
        Map<String, TreeSet<String>> postgres = new TreeMap<>();
        try (TestPostgresql pg = TestPostgresql.create(); Database db = pg.open(); Connection c = db.pool().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, column_name FROM information_schema.columns"
                     + " WHERE table_schema = current_schema() AND table_name <> 'flyway_schema_history'")) {
            while (rs.next()) {
                postgres.computeIfAbsent(rs.getString(1), t -> new TreeSet<>()).add(rs.getString(2));
            }
        }
        assertTrue(sqlite.size() >= 30, "tables: " + sqlite.keySet());
        assertEquals(sqlite, postgres);
    }
}
