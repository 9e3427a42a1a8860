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
 * The controller's SQLite file. WAL mode lets the pool's readers run beside the one writer; a busy
 * timeout makes the rare competing writer (a registration during a batch) wait instead of failing.
 * The schema is migrated with Flyway at open.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final HikariDataSource pool;

    private Database(Path file, HikariDataSource pool) {
        this.file = file;
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
                .locations("classpath:org/syncready/controller/store/migration")
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
        return new Database(file, pool);
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
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), connectionProperties());
        c.setAutoCommit(false);
        return c;
    }

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
        return p;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        pool.close();
    }
}
