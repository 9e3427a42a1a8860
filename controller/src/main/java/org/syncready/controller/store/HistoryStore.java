package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads of what the writer stored, and the retention of raw reports and events. Blocking: call from a worker. */
public final class HistoryStore {

    /** One stored status report; {@code json} is the payload exactly as the box sent it. */
    public record StatusRecord(long receivedAt, long ts, String bootId, long seq, String json) {
    }

    /** One stored change of presence or device state. */
    public record EventRecord(long at, String kind, String detail) {
    }

    /** The last known state of a box as stored, for restoring the live fleet after a restart. */
    public record LatestRecord(String boxId, Long lastSeen, boolean online, String bootId, String birthJson,
                               String statusJson, Long statusAt) {
    }

    private final DataSource pool;

    public HistoryStore(Database database) {
        this.pool = database.pool();
    }

    /** Status reports received in [from, to), oldest first, at most {@code limit}. */
    public List<StatusRecord> statusHistory(String boxId, long from, long to, int limit) throws SQLException {
        String sql = "SELECT received_at, ts, boot_id, seq, payload FROM box_status WHERE box_id = ? AND received_at >= ? AND received_at < ? ORDER BY received_at, seq LIMIT ?";
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, boxId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<StatusRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new StatusRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5)));
                }
                return out;
            }
        }
    }

    /** Events in [from, to), oldest first, at most {@code limit}. */
    public List<EventRecord> events(String boxId, long from, long to, int limit) throws SQLException {
        String sql = "SELECT at, kind, detail FROM box_event WHERE box_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT ?";
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, boxId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<EventRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new EventRecord(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
                return out;
            }
        }
    }

    public List<LatestRecord> latest() throws SQLException {
        String sql = "SELECT box_id, last_seen, online, boot_id, birth, status, status_at FROM box_latest";
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<LatestRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new LatestRecord(rs.getString(1), (Long) rs.getObject(2, Long.class), rs.getInt(3) == 1,
                        rs.getString(4), rs.getString(5), rs.getString(6), (Long) rs.getObject(7, Long.class)));
            }
            return out;
        }
    }

    /** Rows one retention transaction deletes at most, so the status writer never waits long behind it. */
    static final int PRUNE_BATCH = 10_000;

    /**
     * Deletes events before {@code cutoff}, in batches of {@value #PRUNE_BATCH} rows per transaction.
     * Returns rows deleted.
     */
    public int pruneEventsBefore(long cutoff) throws SQLException {
        int total = 0;
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM box_event WHERE id IN (SELECT id FROM box_event WHERE at < ? LIMIT " + PRUNE_BATCH + ")")) {
            int deleted;
            do {
                ps.setLong(1, cutoff);
                deleted = ps.executeUpdate();
                total += deleted;
            } while (deleted == PRUNE_BATCH);
        }
        return total;
    }

    /** Deletes raw reports received before {@code cutoff}; events and latest state stay. Returns rows deleted. */
    public int pruneStatusBefore(long cutoff) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM box_status WHERE received_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }
}
