package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few JDBC moves every store class makes, on pooled connections: bind parameters in order, map
 * rows, run work in one transaction, and turn an {@link SQLException} into a {@link StoreException}
 * that names what was being done.
 */
final class Jdbc {

    /** Reads one row of a result. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource pool;
    private final Dialect dialect;

    Jdbc(Database database) {
        this.pool = database.pool();
        this.dialect = database.dialect();
    }

    Dialect dialect() {
        return dialect;
    }

    /** Every row of a query. */
    <T> List<T> list(String sql, Row<T> row, Object... args) {
        return withConnection("query", c -> list(c, sql, row, args));
    }

    /** The first row of a query, if any. */
    <T> Optional<T> first(String sql, Row<T> row, Object... args) {
        return withConnection("query", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** One insert, update or delete; returns the rows changed. */
    int update(String sql, Object... args) {
        return withConnection("update", c -> update(c, sql, args));
    }

    /** Runs {@code work} on one pooled connection; {@code what} names it in the error. */
    <T> T withConnection(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: all of it is committed, or all of it rolled back on the first failure. */
    <T> T inTransaction(String what, Work<T> work) {
        return withConnection(what, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** Runs an INSERT into a table whose key is a generated {@code id}; returns that id ({@code RETURNING}, in both databases). */
    static long insertReturningId(Connection c, String insert, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insert + " RETURNING id")) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no id returned by: " + insert);
                }
                return rs.getLong(1);
            }
        }
    }

    /** Binds the statement's parameters in order; a null value binds SQL NULL. */
    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, values[i]);
            }
        }
    }

    /**
     * A column that may be NULL, as a Long. Not {@code getObject(i, Long.class)}: the SQLite driver
     * refuses that for NULL ("Bad value for type Long").
     */
    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
