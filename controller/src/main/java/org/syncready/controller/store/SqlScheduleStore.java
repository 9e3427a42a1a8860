package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.schedule.ScheduleStore;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SyncSession;

/** Sync sessions with their remote classrooms, and term calendars, in SQLite (tables of migration V2). */
public final class SqlScheduleStore implements ScheduleStore {
    private final Jdbc jdbc;

    public SqlScheduleStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public List<SyncSession> sessions() {
        return jdbc.withConnection("loading the schedule", c -> {
            Map<String, List<String>> remotes = new HashMap<>();
            Jdbc.list(c, "SELECT session_id, classroom_id FROM session_remote ORDER BY session_id, position",
                    rs -> remotes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
            return Jdbc.list(c, "SELECT id, lead_classroom_id, subject, teacher, kind, start_at, end_at, source FROM sync_session",
                    rs -> new SyncSession(rs.getString(1), rs.getString(2), remotes.getOrDefault(rs.getString(1), List.of()),
                            rs.getString(3), rs.getString(4), SessionKind.valueOf(rs.getString(5)),
                            Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8)));
        });
    }

    @Override
    public void saveSessions(List<SyncSession> created, List<SyncSession> replaced) {
        long now = System.currentTimeMillis();
        jdbc.inTransaction("storing " + (created.size() + replaced.size()) + " session(s)", c -> {
            for (SyncSession s : created) {
                insert(c, s, now);
            }
            for (SyncSession s : replaced) {
                delete(c, s.id());
                insert(c, s, now);
            }
            return null;
        });
    }

    @Override
    public void deleteSession(String id) {
        jdbc.inTransaction("deleting session " + id, c -> {
            delete(c, id);
            return null;
        });
    }

    @Override
    public Map<String, String> terms() {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.list("SELECT id, body FROM term", rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    @Override
    public void putTerm(String id, String json) {
        jdbc.update("INSERT INTO term(id, body, updated_at) VALUES (?,?,?) ON CONFLICT(id) DO UPDATE SET body = excluded.body,"
                + " updated_at = excluded.updated_at", id, json, System.currentTimeMillis());
    }

    private static void insert(Connection c, SyncSession s, long now) throws SQLException {
        Jdbc.update(c, "INSERT INTO sync_session(id, lead_classroom_id, subject, teacher, kind, start_at, end_at, source,"
                        + " updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                s.id(), s.leadClassroomId(), s.subject(), s.teacher(), s.kind().name(), s.start().toEpochMilli(),
                s.end().toEpochMilli(), s.source(), now);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO session_remote(session_id, classroom_id, position) VALUES (?,?,?)")) {
            int i = 0;
            for (String r : s.remoteClassroomIds()) {
                Jdbc.bind(ps, s.id(), r, i++);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void delete(Connection c, String id) throws SQLException {
        Jdbc.update(c, "DELETE FROM session_remote WHERE session_id = ?", id);
        Jdbc.update(c, "DELETE FROM sync_session WHERE id = ?", id);
    }
}
