package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Copies every table of a SQLite store into an empty PostgreSQL store of the same schema version
 * ({@code syncready migrate-store}). All or nothing: the whole copy is one PostgreSQL transaction, so a
 * copy that fails (server gone, disk full) leaves the target empty and can simply be run again, and a
 * target that already holds rows is refused before anything is written. The source is read in one
 * SQLite read transaction, a consistent snapshot even if a controller still writes to it (rows it
 * writes afterwards are not copied: stop it first). Rows go over in batches of {@code batch} statements.
 * At the end every table's rows are counted on both sides.
 */
public final class StoreCopy {
    /** Flyway's own table: each side has its own history, already at the same version. */
    private static final String FLYWAY_HISTORY = "flyway_schema_history";
    private static final long PROGRESS_EVERY = 100_000;

    /** One table's rows in the source and, after the copy, in the target. */
    public record TableCount(String table, long source, long target) {
        public boolean equal() {
            return source == target;
        }
    }

    /** The copy was refused before anything was written: the message says why and what to do. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private StoreCopy() {
    }

    /**
     * Copies {@code source} (SQLite) into {@code target} (PostgreSQL); {@code progress} gets one line per
     * table and one per {@value #PROGRESS_EVERY} rows of a large one. Returns the counts of every table,
     * compared after the commit. A failing database is a {@link StoreException}; nothing is written then.
     */
    public static List<TableCount> copy(Database source, Database target, int batch, Consumer<String> progress) throws Refused {
        try {
            return copyOrFail(source, target, batch, progress);
        } catch (SQLException e) {
            // Nothing was committed: the connection closed with its transaction open, which PostgreSQL rolls back.
            throw new StoreException(e.getMessage(), e);
        }
    }

    private static List<TableCount> copyOrFail(Database source, Database target, int batch, Consumer<String> progress)
            throws Refused, SQLException {
        if (source.dialect() != Dialect.SQLITE || target.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("copies from SQLite to PostgreSQL only");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, was " + batch);
        }
        try (Connection from = source.pool().getConnection(); Connection to = target.openConnection(batchedInserts())) {
            from.setAutoCommit(false);
            to.setAutoCommit(false);
            List<String> tables = sameTables(from, to);
            refuseNonEmpty(to, tables);

            long total = 0;
            for (String table : tables) {
                long started = System.nanoTime();
                long rows = copyTable(from, to, table, batch, progress);
                total += rows;
                progress.accept(String.format("%-20s %,12d rows copied (%.1f s)", table, rows, (System.nanoTime() - started) / 1e9));
            }
            resetIdentities(to, tables);
            to.commit();
            progress.accept(String.format("committed %,d rows in %d tables", total, tables.size()));

            List<TableCount> counts = new ArrayList<>();
            for (String table : tables) {
                counts.add(new TableCount(table, count(from, table), count(to, table)));
            }
            from.rollback();
            return counts;
        }
    }

    /** Multi-row INSERTs from the driver: several times fewer round trips for the copy (no ON CONFLICT here). */
    private static Properties batchedInserts() {
        Properties p = new Properties();
        p.setProperty("reWriteBatchedInserts", "true");
        return p;
    }

    private static final String CLUSTER_CHANGES = "cluster_change";

    private static List<String> sameTables(Connection from, Connection to) throws SQLException, Refused {
        TreeSet<String> sqlite = new TreeSet<>(strings(from, "SELECT name FROM sqlite_master WHERE type = 'table'"
                + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '" + FLYWAY_HISTORY + "'"));
        TreeSet<String> postgres = new TreeSet<>(strings(to, "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '" + FLYWAY_HISTORY + "'"));
        if (!sqlite.equals(postgres)) {
            TreeSet<String> onlySqlite = new TreeSet<>(sqlite);
            onlySqlite.removeAll(postgres);
            TreeSet<String> onlyPostgres = new TreeSet<>(postgres);
            onlyPostgres.removeAll(sqlite);
            throw new Refused("the two databases have different tables (only in SQLite: " + onlySqlite + ", only in PostgreSQL: "
                    + onlyPostgres + "); are both from the same SyncReady version?");
        }
        // The nodes' change marks (migration V10) are bookkeeping of the running nodes, not data: the copy
        // itself moves them (PostgreSQL's triggers), and a SQLite store never has any.
        sqlite.remove(CLUSTER_CHANGES);
        return new ArrayList<>(sqlite);
    }

    private static void refuseNonEmpty(Connection to, List<String> tables) throws SQLException, Refused {
        List<String> filled = new ArrayList<>();
        for (String table : tables) {
            long n = count(to, table);
            if (n > 0) {
                filled.add(table + " (" + n + " rows)");
            }
        }
        if (!filled.isEmpty()) {
            throw new Refused("the target database is not empty: " + String.join(", ", filled)
                    + "; migrate-store copies into an empty database only (create a new one, or drop and recreate this one)");
        }
    }

    private static long copyTable(Connection from, Connection to, String table, int batch, Consumer<String> progress) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        try (PreparedStatement ps = to.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(sqlType(rs.getString(2)));
                }
            }
        }
        String list = String.join(", ", columns);
        String insert = "INSERT INTO " + table + " (" + list + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)";
        long rows = 0;
        try (Statement read = from.createStatement(); ResultSet rs = read.executeQuery("SELECT " + list + " FROM " + table);
             PreparedStatement write = to.prepareStatement(insert)) {
            int pending = 0;
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    bind(write, rs, i + 1, types.get(i));
                }
                write.addBatch();
                rows++;
                if (++pending == batch) {
                    write.executeBatch();
                    pending = 0;
                }
                if (rows % PROGRESS_EVERY == 0) {
                    progress.accept(String.format("%-20s %,12d rows so far", table, rows));
                }
            }
            if (pending > 0) {
                write.executeBatch();
            }
        }
        return rows;
    }

    /** SQLite keeps whatever a column was given; the target column's type decides how it is read. */
    private static void bind(PreparedStatement write, ResultSet rs, int i, int type) throws SQLException {
        switch (type) {
            case Types.BIGINT -> {
                long v = rs.getLong(i);
                if (rs.wasNull()) {
                    write.setNull(i, Types.BIGINT);
                } else {
                    write.setLong(i, v);
                }
            }
            case Types.VARCHAR -> {
                String v = rs.getString(i);
                if (v == null) {
                    write.setNull(i, Types.VARCHAR);
                } else {
                    write.setString(i, v);
                }
            }
            default -> write.setObject(i, rs.getObject(i));
        }
    }

    private static int sqlType(String postgresType) {
        return switch (postgresType) {
            case "bigint", "integer", "smallint" -> Types.BIGINT;
            case "text", "character varying" -> Types.VARCHAR;
            default -> Types.OTHER;
        };
    }

    /** The copied ids are explicit: move each identity column's sequence past them, or the next insert would collide. */
    private static void resetIdentities(Connection to, List<String> tables) throws SQLException {
        List<String[]> identities = new ArrayList<>();
        try (Statement s = to.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name, column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND is_identity = 'YES'")) {
            while (rs.next()) {
                identities.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] id : identities) {
            if (!tables.contains(id[0])) {
                continue;
            }
            try (Statement s = to.createStatement()) {
                // setval(seq, max, true): the next value is max + 1; an empty table keeps its sequence at the start.
                s.execute("SELECT setval(pg_get_serial_sequence('" + id[0] + "', '" + id[1] + "'), max(" + id[1] + "))"
                        + " FROM " + id[0] + " HAVING max(" + id[1] + ") IS NOT NULL");
            }
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
