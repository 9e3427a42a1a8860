package org.syncready.agent.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Messages made but not yet acknowledged by the broker, oldest first, in one SQLite file (WAL,
 * {@code synchronous=FULL}: a message {@link #append}ed is on the disk, and survives a power cut).
 * Bounded by {@link Limits}: appending drops the oldest messages while the payloads add up to more
 * than {@code maxBytes} or are older than {@code maxAge}, and counts them in {@link #dropped()},
 * which is kept in the file across restarts.
 *
 * <p>Not for several threads at once: the agent's MQTT thread is its only user (the methods are
 * synchronized only so that a slip would not corrupt it).
 */
public final class Outbox implements AutoCloseable {
    /** How much the outbox keeps at most; at 1.5 KB a status every 10 s, 50 MB is about three and a half days. */
    public record Limits(long maxBytes, Duration maxAge) {
        public static final Limits DEFAULT = new Limits(50L * 1024 * 1024, Duration.ofDays(7));

        public Limits {
            if (maxBytes < 64 * 1024) {
                throw new IllegalArgumentException("outbox maxBytes must be at least 64 KiB (one message), was " + maxBytes);
            }
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("outbox maxAge must be positive, was " + maxAge);
            }
        }
    }

    /**
     * One message as it will be published: {@code correlationData} is the MQTT 5 property of a command
     * response (null otherwise); {@code createdAt} is the box's clock when it was made.
     */
    public record Entry(long id, String topic, boolean retained, byte[] payload, byte[] correlationData,
                        String bootId, long seq, long createdAt) {
    }

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS message (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                topic       TEXT NOT NULL,
                retained    INTEGER NOT NULL,
                payload     BLOB NOT NULL,
                correlation BLOB,
                boot_id     TEXT NOT NULL,
                seq         INTEGER NOT NULL,
                created_at  INTEGER NOT NULL
            )""";

    private final Path file;
    private final Limits limits;
    private final Clock clock;
    private final Connection connection;
    private long bytes;
    private long count;
    private long dropped;

    private Outbox(Path file, Limits limits, Clock clock, Connection connection) {
        this.file = file;
        this.limits = limits;
        this.clock = clock;
        this.connection = connection;
    }

    /** Opens (or creates) the outbox at {@code file}; what an earlier run left in it is still there. */
    public static Outbox open(Path file, Limits limits, Clock clock) throws OutboxException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new OutboxException("cannot open the outbox " + file + ": " + e.getMessage(), e);
        }
        return open("jdbc:sqlite:" + file.toAbsolutePath(), file, limits, clock);
    }

    /**
     * An outbox in memory, for when the file cannot be opened: the agent still keeps reports across a
     * broker outage, only not across its own restart.
     */
    public static Outbox inMemory(Limits limits, Clock clock) throws OutboxException {
        return open("jdbc:sqlite::memory:", Path.of(":memory:"), limits, clock);
    }

    private static Outbox open(String url, Path file, Limits limits, Clock clock) throws OutboxException {
        Connection c = null;
        try {
            c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // A message handed to MQTT must already be on the disk: one fsync per transaction.
                s.execute("PRAGMA synchronous=FULL");
                // A queue, not a database: a small page cache keeps the box's memory small.
                s.execute("PRAGMA cache_size=-256");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute(SCHEMA);
                s.execute("CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
                s.execute("INSERT OR IGNORE INTO counter(name, value) VALUES ('dropped', 0)");
            }
            Outbox outbox = new Outbox(file, limits, clock, c);
            outbox.load();
            return outbox;
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // Reporting the first failure matters more.
                }
            }
            throw new OutboxException("cannot open the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    private void load() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(length(payload)), 0) FROM message")) {
            rs.next();
            count = rs.getLong(1);
            bytes = rs.getLong(2);
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM counter WHERE name = 'dropped'")) {
            dropped = rs.next() ? rs.getLong(1) : 0;
        }
        connection.setAutoCommit(false);
    }

    /**
     * Stores a message, durably, then drops the oldest ones beyond the limits; returns its id (ids
     * grow: they are the publishing order). The new message itself is never dropped here.
     */
    public synchronized long append(String topic, boolean retained, byte[] payload, byte[] correlationData,
                                    String bootId, long seq) throws OutboxException {
        long now = clock.millis();
        try {
            long id;
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO message(topic, retained, payload, correlation, boot_id, seq, created_at) VALUES (?,?,?,?,?,?,?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, topic);
                ps.setInt(2, retained ? 1 : 0);
                ps.setBytes(3, payload);
                ps.setBytes(4, correlationData);
                ps.setString(5, bootId);
                ps.setLong(6, seq);
                ps.setLong(7, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            long[] removed = enforceLimits(id, now, payload.length);
            if (removed[0] > 0) {
                try (PreparedStatement ps = connection.prepareStatement("UPDATE counter SET value = value + ? WHERE name = 'dropped'")) {
                    ps.setLong(1, removed[0]);
                    ps.executeUpdate();
                }
            }
            connection.commit();
            count += 1 - removed[0];
            bytes += payload.length - removed[1];
            dropped += removed[0];
            return id;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("cannot write to the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes (in the open transaction) what is too old or over the byte limit, oldest first; returns {rows, bytes}. */
    private long[] enforceLimits(long newId, long now, int newBytes) throws SQLException {
        long rows = 0;
        long freed = 0;
        long total = bytes + newBytes;
        long oldestAllowed = now - limits.maxAge().toMillis();
        try (PreparedStatement oldest = connection.prepareStatement(
                "SELECT id, length(payload), created_at FROM message WHERE id < ? ORDER BY id LIMIT 256");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM message WHERE id = ?")) {
            boolean more = true;
            while (more) {
                more = false;
                oldest.setLong(1, newId);
                List<long[]> victims = new ArrayList<>();
                try (ResultSet rs = oldest.executeQuery()) {
                    while (rs.next()) {
                        long size = rs.getLong(2);
                        if (total <= limits.maxBytes() && rs.getLong(3) >= oldestAllowed) {
                            break;
                        }
                        victims.add(new long[] {rs.getLong(1), size});
                        total -= size;
                    }
                }
                for (long[] v : victims) {
                    delete.setLong(1, v[0]);
                    delete.addBatch();
                    rows++;
                    freed += v[1];
                }
                if (!victims.isEmpty()) {
                    delete.executeBatch();
                    more = victims.size() == 256;
                }
            }
        }
        return new long[] {rows, freed};
    }

    /** Forgets messages the broker acknowledged (or refused for good); unknown ids are ignored. */
    public synchronized void remove(Collection<Long> ids) throws OutboxException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement size = connection.prepareStatement("SELECT length(payload) FROM message WHERE id = ?");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM message WHERE id = ?")) {
            long rows = 0;
            long freed = 0;
            for (long id : ids) {
                size.setLong(1, id);
                try (ResultSet rs = size.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    freed += rs.getLong(1);
                }
                delete.setLong(1, id);
                rows += delete.executeUpdate();
            }
            connection.commit();
            count -= rows;
            bytes -= freed;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("cannot remove from the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    /** Up to {@code limit} messages with an id above {@code afterId}, oldest first. */
    public synchronized List<Entry> after(long afterId, int limit) throws OutboxException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id, topic, retained, payload, correlation, boot_id, seq, created_at FROM message WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getInt(3) == 1, rs.getBytes(4), rs.getBytes(5),
                            rs.getString(6), rs.getLong(7), rs.getLong(8)));
                }
            }
            connection.commit();
            return out;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("cannot read the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    /** Messages waiting (sent or not, not yet acknowledged). */
    public synchronized long count() {
        return count;
    }

    /** Bytes of the waiting messages' payloads. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Messages ever dropped unsent because of the limits, since the file was created. */
    public synchronized long dropped() {
        return dropped;
    }

    public Path file() {
        return file;
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The next transaction starts clean or fails the same way, and says why.
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing: nothing left to lose, every append was committed.
        }
    }
}
