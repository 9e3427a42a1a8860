package org.syncready.controller.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema in the test PostgreSQL server for one test: nothing another test wrote is visible, and
 * the schema is dropped at {@link #close()}. The server is named by {@code SYNCREADY_TEST_POSTGRES}
 * ({@code postgresql://127.0.0.1:5432/syncready_test?user=syncready_test}) with the password in
 * {@code SYNCREADY_TEST_POSTGRES_PASSWORD}; {@code .ci/run} sets both. Without it a test is skipped with
 * the reason, or fails when {@code SYNCREADY_REQUIRE_POSTGRES=1} (set by {@code .ci/run}).
 */
public final class TestPostgresql implements AutoCloseable {
    public static final String URL_VARIABLE = "SYNCREADY_TEST_POSTGRES";
    public static final String PASSWORD_VARIABLE = "SYNCREADY_TEST_POSTGRES_PASSWORD";

    private final PostgresqlLocation server;
    private final String schema;
    private final PostgresqlLocation location;

    private TestPostgresql(PostgresqlLocation server, String schema) {
        this.server = server;
        this.schema = schema;
        this.location = server.withParameter("currentSchema", schema);
    }

    /** The test server without a schema of its own, or a skip (a failure with SYNCREADY_REQUIRE_POSTGRES=1). */
    public static PostgresqlLocation server() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            String why = "no PostgreSQL for tests: set " + URL_VARIABLE + "=postgresql://127.0.0.1:5432/DB?user=NAME and "
                    + PASSWORD_VARIABLE + " (.ci/run does)";
            if ("1".equals(System.getenv("SYNCREADY_REQUIRE_POSTGRES"))) {
                fail(why + " (SYNCREADY_REQUIRE_POSTGRES=1)");
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        return PostgresqlLocation.parse(url).withPassword(System.getenv(PASSWORD_VARIABLE));
    }

    /** Creates a new empty schema; skips or fails the test as {@link #server()} does when there is no server. */
    public static TestPostgresql create() {
        PostgresqlLocation server = server();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = connect(server); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            fail("cannot create a test schema at " + server + ": " + e.getMessage(), e);
        }
        return new TestPostgresql(server, schema);
    }

    /** The location of this test's schema (password included). */
    public PostgresqlLocation location() {
        return location;
    }

    /** Opens the store on this test's schema (migrated). */
    public Database open() throws IOException {
        return Database.open(location);
    }

    /** A plain connection to this test's schema, for a test's own queries. */
    public Connection connect() throws SQLException {
        return connect(location);
    }

    static Connection connect(PostgresqlLocation at) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", at.user());
        if (at.password() != null) {
            p.setProperty("password", at.password());
        }
        return DriverManager.getConnection(at.jdbcUrl(), p);
    }

    @Override
    public void close() {
        try (Connection c = connect(server); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }
}
