package org.syncready.controller.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.cluster.ChangeFeed;
import org.syncready.controller.fleet.BoxHistory;

/**
 * The change marks PostgreSQL's triggers keep (migration V10): per-area counters for the registry,
 * the schedule and the rollouts, and the transaction id of every box_latest write.
 */
public final class SqlChangeFeed implements ChangeFeed {
    private final Jdbc jdbc;

    public SqlChangeFeed(Database database) {
        if (database.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("several controller nodes need a PostgreSQL store");
        }
        this.jdbc = new Jdbc(database);
    }

    @Override
    public Map<String, Map<String, Long>> versions() {
        Map<String, Map<String, Long>> out = new HashMap<>();
        for (String[] row : jdbc.list("SELECT area, node, version FROM cluster_change",
                rs -> new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))})) {
            out.computeIfAbsent(row[0], k -> new HashMap<>()).put(row[1], Long.parseLong(row[2]));
        }
        return out;
    }

    @Override
    public LatestChanges latestSince(long since) {
        // The oldest transaction still running first, the rows after (a later snapshot): whatever committed
        // below that id is in these rows, and anything from it on is read again next time.
        long next = jdbc.first("SELECT txid_snapshot_xmin(txid_current_snapshot())", rs -> rs.getLong(1)).orElseThrow();
        List<BoxHistory.LatestRecord> rows = jdbc.list(
                "SELECT box_id, last_seen, online, boot_id, birth, status, status_at FROM box_latest WHERE changed_tx >= ?",
                rs -> new BoxHistory.LatestRecord(rs.getString(1), Jdbc.nullableLong(rs, 2), rs.getInt(3) == 1,
                        rs.getString(4), rs.getString(5), rs.getString(6), Jdbc.nullableLong(rs, 7)), since);
        return new LatestChanges(rows, next);
    }
}
