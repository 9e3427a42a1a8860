package org.syncready.controller.store;

import java.sql.SQLException;

/**
 * The little SQL that differs between the two databases. Everything else the store classes write is
 * shared: both take {@code INSERT ... ON CONFLICT DO NOTHING / DO UPDATE} (SQLite since 3.24),
 * {@code RETURNING} (SQLite since 3.35), {@code IS DISTINCT FROM} (SQLite since 3.39) and
 * {@code LIMIT} in a subquery. Each database has its own migrations folder, with the same versions.
 */
public enum Dialect {
    SQLITE("sqlite") {
        @Override
        String jsonArrayValues(String table, String column) {
            return "SELECT value FROM " + table + ", json_each(" + table + "." + column + ")";
        }

        @Override
        String contains(String column) {
            return "instr(" + column + ", ?) > 0";
        }

        @Override
        String likeIgnoringCase(String column) {
            // SQLite's LIKE ignores the case of ASCII letters and has no escape character unless given one.
            return column + " LIKE ?";
        }

        @Override
        boolean isConstraintViolation(SQLException e) {
            return e.getErrorCode() == SQLITE_CONSTRAINT;
        }
    },
    POSTGRESQL("postgresql") {
        @Override
        String jsonArrayValues(String table, String column) {
            return "SELECT jsonb_array_elements_text(" + table + "." + column + "::jsonb)::bigint FROM " + table;
        }

        @Override
        String contains(String column) {
            return "strpos(" + column + ", ?) > 0";
        }

        @Override
        String likeIgnoringCase(String column) {
            // ILIKE for SQLite's case-blind LIKE; ESCAPE '' because PostgreSQL's LIKE would take a backslash as one.
            return column + " ILIKE ? ESCAPE ''";
        }

        @Override
        boolean isConstraintViolation(SQLException e) {
            // Class 23: integrity constraint violation (unique, foreign key, not null, check).
            return e.getSQLState() != null && e.getSQLState().startsWith("23");
        }
    };

    private static final int SQLITE_CONSTRAINT = 19;

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** Flyway's location of this database's migrations. */
    public String migrations() {
        return "classpath:org/syncready/controller/store/migration/" + folder;
    }

    /** A query of the numbers in a JSON array column, one row each; the caller appends its WHERE. */
    abstract String jsonArrayValues(String table, String column);

    /** A condition: {@code column} contains the bound text (no wildcards, unlike LIKE). */
    abstract String contains(String column);

    /** A condition: {@code column} matches the bound LIKE pattern, letters in either case, backslash an ordinary character. */
    abstract String likeIgnoringCase(String column);

    /** The statement was refused by a key or another constraint (as opposed to a failing database). */
    abstract boolean isConstraintViolation(SQLException e);
}
