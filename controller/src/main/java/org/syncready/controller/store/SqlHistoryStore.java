package org.syncready.controller.store;

import java.util.List;
import org.syncready.controller.fleet.BoxHistory;

/** Reads of what the {@link StatusWriter} stored, and the retention of raw reports. Blocking: call from a worker. */
public final class SqlHistoryStore implements BoxHistory {
    private final Jdbc jdbc;

    public SqlHistoryStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public List<StatusRecord> statusHistory(String boxId, long from, long to, int limit) {
        return jdbc.list("SELECT received_at, ts, boot_id, seq, payload FROM box_status WHERE box_id = ? AND received_at >= ?"
                        + " AND received_at < ? ORDER BY received_at, seq LIMIT ?",
                rs -> new StatusRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5)),
                boxId, from, to, limit);
    }

    @Override
    public List<EventRecord> events(String boxId, long from, long to, int limit) {
        return jdbc.list("SELECT at, kind, detail FROM box_event WHERE box_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT ?",
                rs -> new EventRecord(rs.getLong(1), rs.getString(2), rs.getString(3)),
                boxId, from, to, limit);
    }

    @Override
    public List<LatestRecord> latest() {
        return jdbc.list("SELECT box_id, last_seen, online, boot_id, birth, status, status_at FROM box_latest",
                rs -> new LatestRecord(rs.getString(1), Jdbc.nullableLong(rs, 2), rs.getInt(3) == 1,
                        rs.getString(4), rs.getString(5), rs.getString(6), Jdbc.nullableLong(rs, 7)));
    }

    @Override
    public int pruneStatusBefore(long cutoff) {
        return jdbc.update("DELETE FROM box_status WHERE received_at < ?", cutoff);
    }

    /** Rows one retention transaction deletes at most, so the status writer never waits long behind it. */
    static final int PRUNE_BATCH = 10_000;

    /**
     * Deletes events before {@code cutoff}, in batches of {@value #PRUNE_BATCH} rows per transaction.
     * Returns rows deleted.
     */
    public int pruneEventsBefore(long cutoff) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update("DELETE FROM box_event WHERE id IN (SELECT id FROM box_event WHERE at < ? LIMIT " + PRUNE_BATCH + ")",
                    cutoff);
            total += deleted;
        } while (deleted == PRUNE_BATCH);
        return total;
    }
}
