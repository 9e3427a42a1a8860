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

/**
 * Writes and reads the audit table, which is append-only (SQLite triggers refuse UPDATE and DELETE).
 * Blocking JDBC: call it off the event loop.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private final DataSource db;
    private final Clock clock;

    public AuditLog(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Records an action; a store failure is logged (without the detail), never thrown at the action it
     * audits. The detail goes only to the table, never to the log. URLs in target, detail and result
     * lose their user info and query first ({@link SecretMask}): whatever a caller passes, credentials
     * in them are not kept.
     */
    public void record(Actor who, String action, String target, String detail, String result) {
        long at = clock.millis();
        target = SecretMask.maskText(target);
        detail = SecretMask.maskText(detail);
        result = SecretMask.maskText(result);
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO audit(at, actor, source, action, target, detail, result) VALUES (?,?,?,?,?,?,?)")) {
            ps.setLong(1, at);
            ps.setString(2, who.name());
            ps.setString(3, who.source());
            ps.setString(4, action);
            ps.setString(5, target);
            ps.setString(6, detail);
            ps.setString(7, result);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.error("audit entry not stored: actor={} action={} target={} result={}: {}", who, action, target, result, e.getMessage());
        }
        log.info("audit actor={} action={} target={} result={}", who, action, target, result);
    }

    /** The newest entries first that match {@code q}. */
    public List<AuditEntry> list(AuditQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, source, action, target, detail, result FROM audit WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.sinceMs() != null) {
            sql.append(" AND at >= ?");
            args.add(q.sinceMs());
        }
        if (q.untilMs() != null) {
            sql.append(" AND at < ?");
            args.add(q.untilMs());
        }
        if (q.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
        }
        if (q.actionPrefix() != null) {
            // The prefix's own wildcards are taken literally: "rollout." lists rollout.start, rollout.pause, ...
            sql.append(" AND substr(action, 1, ?) = ?");
            args.add(q.actionPrefix().length());
            args.add(q.actionPrefix());
        }
        if (q.target() != null) {
            sql.append(" AND instr(target, ?) > 0");
            args.add(q.target());
        }
        if (q.source() != null) {
            sql.append(" AND source = ?");
            args.add(q.source());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(q.limit());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        }
    }
}
