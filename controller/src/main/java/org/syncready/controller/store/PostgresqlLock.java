package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.syncready.controller.cluster.LeaderLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader lease's lock: a session-level advisory lock on a connection of its own, outside the pool
 * (a pooled connection could be closed or shared behind the lease's back). Keys: a constant and the
 * hash of the schema, so two installations in one database each have their own leader.
 */
public final class PostgresqlLock implements LeaderLease.LockSession {
    private static final Logger log = LoggerFactory.getLogger(PostgresqlLock.class);
    /** The advisory lock's first key, "SYNC" in ASCII. */
    public static final int LOCK_CLASS = 0x53594e43;
    private static final int QUERY_TIMEOUT_S = 5;

    private final Connection connection;

    private PostgresqlLock(Connection connection) {
        this.connection = connection;
    }

    /** Opens the lock's own session on the store's server. */
    public static PostgresqlLock open(Database database) throws SQLException {
        return open(database.openSessionConnection());
    }

    /** A lock session on {@code connection}, which it then owns (tests pass their own). */
    public static PostgresqlLock open(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_S);
            // A host that vanishes without closing its socket: PostgreSQL ends the session within ~25 s, not 2 hours.
            s.execute("SET tcp_keepalives_idle = 10");
            s.execute("SET tcp_keepalives_interval = 5");
            s.execute("SET tcp_keepalives_count = 3");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new PostgresqlLock(connection);
    }

    @Override
    public boolean tryTake() throws SQLException {
        return query("SELECT pg_try_advisory_lock(" + LOCK_CLASS + ", hashtext(current_schema()))");
    }

    @Override
    public void confirm() throws SQLException {
        query("SELECT true");
    }

    private boolean query(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_S);
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the lock's connection: {}", e.getMessage());
        }
    }
}
