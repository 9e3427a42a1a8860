package org.syncready.controller.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes and reads the audit table. Blocking JDBC: call it off the event loop. */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private final DataSource db;
    private final Clock clock;

    public AuditLog(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Records an action; a store failure is logged (with the entry), never thrown at the action it audits. */
    public void record(String actor, String action, String target, String detail, String result) {
        long at = clock.millis();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO audit(at, actor, action, target, detail, result) VALUES (?,?,?,?,?,?)")) {
            ps.setLong(1, at);
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setString(4, target);
            ps.setString(5, detail);
            ps.setString(6, result);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.error("audit entry not stored: actor={} action={} target={} result={}: {}", actor, action, target, result, e.getMessage());
        }
        log.info("audit actor={} action={} target={} result={}", actor, action, target, result);
    }

    /** The newest entries first, at most {@code limit}, optionally only since {@code sinceMs} and of one action prefix. */
    public List<AuditEntry> list(int limit, Long sinceMs, String actionPrefix) throws SQLException {
        String sql = "SELECT id, at, actor, action, target, detail, result FROM audit WHERE at >= ? AND action LIKE ? "
                + "ORDER BY id DESC LIMIT ?";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sinceMs == null ? 0 : sinceMs);
            ps.setString(2, (actionPrefix == null ? "" : actionPrefix.replace("%", "")) + "%");
            ps.setInt(3, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        }
    }
}
