package org.syncready.controller.store;

import java.util.ArrayList;
import java.util.List;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditQuery;
import org.syncready.controller.audit.AuditStore;

/** The audit log in SQLite (table of migration V3; source and the append-only triggers of V5). */
public final class SqlAuditStore implements AuditStore {
    private final Jdbc jdbc;

    public SqlAuditStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public void append(AuditEntry e) {
        jdbc.update("INSERT INTO audit(at, actor, source, action, target, detail, result) VALUES (?,?,?,?,?,?,?)",
                e.at(), e.actor(), e.source(), e.action(), e.target(), e.detail(), e.result());
    }

    @Override
    public List<AuditEntry> list(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, source, action, target, detail, result FROM audit WHERE at >= ?");
        List<Object> args = new ArrayList<>();
        args.add(q.sinceMs() == null ? 0 : q.sinceMs());
        if (q.untilMs() != null) {
            sql.append(" AND at < ?");
            args.add(q.untilMs());
        }
        if (q.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
        }
        if (q.actionPrefix() != null) {
            // LIKE with the prefix's own wildcards removed: "rollout." lists rollout.start, rollout.pause, ...
            sql.append(" AND ").append(jdbc.dialect().likeIgnoringCase("action"));
            args.add(q.actionPrefix().replace("%", "") + "%");
        }
        if (q.target() != null) {
            sql.append(" AND ").append(jdbc.dialect().contains("target"));
            args.add(q.target());
        }
        if (q.source() != null) {
            sql.append(" AND source = ?");
            args.add(q.source());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(q.limit());
        return jdbc.list(sql.toString(), rs -> new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)), args.toArray());
    }
}
