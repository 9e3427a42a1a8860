package org.syncready.controller.store;

import java.util.List;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditStore;

/** The audit log in SQLite (table of migration V3). */
public final class SqlAuditStore implements AuditStore {
    private final Jdbc jdbc;

    public SqlAuditStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public void append(AuditEntry e) {
        jdbc.update("INSERT INTO audit(at, actor, action, target, detail, result) VALUES (?,?,?,?,?,?)",
                e.at(), e.actor(), e.action(), e.target(), e.detail(), e.result());
    }

    @Override
    public List<AuditEntry> list(int limit, Long sinceMs, String actionPrefix) {
        // LIKE with the prefix's own wildcards removed: "rollout." lists rollout.start, rollout.pause, ...
        return jdbc.list("SELECT id, at, actor, action, target, detail, result FROM audit WHERE at >= ? AND action LIKE ?"
                        + " ORDER BY id DESC LIMIT ?",
                rs -> new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)),
                sinceMs == null ? 0 : sinceMs, (actionPrefix == null ? "" : actionPrefix.replace("%", "")) + "%", limit);
    }
}
