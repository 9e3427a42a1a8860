package org.syncready.controller.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's database: by default a SQLite file, or a PostgreSQL database
 * ({@link #open(PostgresqlLocation)}). Either way the schema is migrated with Flyway at open (each
 * database from its own folder, {@link Dialect#migrations()}), reads and small writes go through a
 * Hikari pool, and the status writer has a connection of its own.
 *
 * <p>SQLite: WAL mode lets the pool's readers run beside the one writer; a busy timeout makes the rare
 * competing writer (a registration during a batch) wait instead of failing.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** PostgreSQL: how long to wait for the server at connect, and for a pooled connection. */
    private static final int CONNECT_TIMEOUT_S = 10;

    private final Dialect dialect;
    private final Path file;
    private final String description;
    private final String jdbcUrl;
    private final java.util.Properties writerProperties;
    private final HikariDataSource pool;

    private Database(Dialect dialect, Path file, String description, String jdbcUrl, java.util.Properties writerProperties,
                     HikariDataSource pool) {
        this.dialect = dialect;
        this.file = file;
        this.description = description;
        this.jdbcUrl = jdbcUrl;
        this.writerProperties = writerProperties;
        this.pool = pool;
    }

    public static Database open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!Files.isWritable(parent)) {
            throw new IOException("data folder is not writable: " + parent);
        }
        ownerOnly(file);
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // Persistent for the file: set once, before anyone else opens it.
            s.execute("PRAGMA journal_mode=WAL");
        } catch (SQLException e) {
            throw new IOException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
        }
        Flyway.configure()
                .dataSource(url, null, null)
                .locations(Dialect.SQLITE.migrations())
                .load()
                .migrate();

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("sqlite");
        config.setMaximumPoolSize(4);
        // As driver properties, which sqlite-jdbc applies to every connection it opens. A connection-init SQL of
        // several PRAGMAs ran only its first: the pool's connections had synchronous=FULL, an fsync per commit
        // while holding the write lock the store writer (and so ingest's acknowledgements) waits for.
        config.setDataSourceProperties(connectionProperties());
        HikariDataSource pool = new HikariDataSource(config);
        log.info("store open at {}", file.toAbsolutePath());
        return new Database(Dialect.SQLITE, file, file.toAbsolutePath().toString(), url, connectionProperties(), pool);
    }

    /**
     * Opens a PostgreSQL database and migrates its schema. An unreachable server, a refused login or a
     * missing database is an IOException that says which (never with the password).
     */
    public static Database open(PostgresqlLocation location) throws IOException {
        return open(location, "syncready-controller");
    }

    /**
     * As {@link #open(PostgresqlLocation)}, every connection named {@code applicationName}: a controller node
     * names its own ("syncready-controller-<node id>"), which is how the store's change marks tell the nodes
     * apart (migration V10).
     */
    public static Database open(PostgresqlLocation location, String applicationName) throws IOException {
        String url = location.jdbcUrl();
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", location.user());
        if (location.password() != null) {
            props.setProperty("password", location.password());
        }
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        props.setProperty("ApplicationName", applicationName);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("postgresql");
        // Readers and registrations; the status writer has its own connection. A second node adds as many.
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(CONNECT_TIMEOUT_S * 1000L);
        config.setDataSourceProperties(props);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("cannot open PostgreSQL store " + location + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations(Dialect.POSTGRESQL.migrations())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IOException("cannot migrate PostgreSQL store " + location + ": " + rootMessage(e), e);
        }
        log.info("store open at {}", location);
        return new Database(Dialect.POSTGRESQL, null, location.toString(), url, props, pool);
    }

    /** The innermost cause's message: Hikari and Flyway wrap the driver's one sentence in their own. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.strip();
    }

    /**
     * The database holds box secrets' hashes and echo keys: readable by the owner only. A new file is
     * created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database's mode);
     * existing ones are tightened.
     */
    private static void ownerOnly(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (!Files.getFileStore(abs.getParent()).supportsFileAttributeView("posix")) {
            return;
        }
        if (!Files.exists(abs)) {
            // An empty file is a new database to SQLite.
            Files.createFile(abs, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path p = abs.resolveSibling(abs.getFileName() + suffix);
            if (Files.exists(p) && !Files.getPosixFilePermissions(p).equals(OWNER_ONLY)) {
                log.info("store file {} was {}; set to rw-------", p, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                Files.setPosixFilePermissions(p, OWNER_ONLY);
            }
        }
    }

    /** Pooled connections for reads and small writes (registrations). */
    public DataSource pool() {
        return pool;
    }

    /** A dedicated connection for the batch writer. */
    Connection openWriterConnection() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, writerProperties);
        c.setAutoCommit(false);
        return c;
    }

    /** A connection of its own outside the pool, in auto-commit (the leader lease holds its lock on one). */
    public Connection openSessionConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, writerProperties);
    }

    /** A connection of its own outside the pool, with {@code extra} driver properties (the store copy's batched inserts). */
    Connection openConnection(java.util.Properties extra) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.putAll(writerProperties);
        p.putAll(extra);
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** Pages of WAL (4 KiB each) after which a committing connection checkpoints. */
    static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;

    /**
     * Every connection: wait up to {@value #BUSY_TIMEOUT_MS} ms for the write lock instead of failing,
     * and {@code synchronous=NORMAL}, which in WAL mode syncs at checkpoints instead of at every commit:
     * a commit survives a crash of the process, the last ones before a power cut may not (the store
     * writer has always run so). Foreign keys stay off as they have been in practice (the old init SQL
     * never reached its {@code foreign_keys=ON}); turning them on is a decision about existing data,
     * see docs/DEPENDENCIES.md.
     */
    static java.util.Properties connectionProperties() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
        p.setProperty("synchronous", "NORMAL");
        // A checkpoint every 40 MB of WAL instead of SQLite's 4 MB: under a burst the store writer commits
        // several MB of index pages a second, and checkpointing (copying them back and an fsync) every few
        // commits cost it more than the writes (docs/BENCHMARKS.md, ingest). The WAL file stays about that size.
        p.setProperty("wal_autocheckpoint", Integer.toString(WAL_AUTOCHECKPOINT_PAGES));
        return p;
    }

    /** The SQLite file; null for PostgreSQL. */
    public Path file() {
        return file;
    }

    /** Which database this is, for the SQL that differs. */
    public Dialect dialect() {
        return dialect;
    }

    /** The file or the PostgreSQL location, for logs and messages (never a password). */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }
}
