package org.syncready.controller.readiness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Readiness checks and in-class incidents in SQLite. Called from the readiness thread and API
 * workers only, never from an event loop.
 */
public final class ReadinessStore {
    private final DataSource pool;
    private final ObjectMapper json;

    public ReadinessStore(DataSource pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    public void saveCheck(SessionReadiness r) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO readiness_check(session_id, checked_at, trigger, verdict, detail) VALUES (?,?,?,?,?)")) {
            ps.setString(1, r.sessionId());
            ps.setLong(2, r.checkedAt().toEpochMilli());
            ps.setString(3, r.trigger());
            ps.setString(4, r.verdict().name());
            ps.setString(5, write(r));
            ps.executeUpdate();
        }
    }

    /** The latest stored check of each of the given sessions. */
    public Map<String, SessionReadiness> latest(Collection<String> sessionIds) throws SQLException {
        Map<String, SessionReadiness> out = new HashMap<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT detail FROM readiness_check WHERE session_id = ? ORDER BY checked_at DESC, id DESC LIMIT 1")) {
            for (String id : sessionIds) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(id, read(rs.getString(1)));
                    }
                }
            }
        }
        return out;
    }

    /** Every check of one session, oldest first. */
    public List<SessionReadiness> checks(String sessionId) throws SQLException {
        List<SessionReadiness> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT detail FROM readiness_check WHERE session_id = ? ORDER BY checked_at, id")) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /** The last check made before each session started (what staff knew going in), by session id. */
    public Map<String, SessionReadiness> lastBeforeStart(Map<String, Instant> starts, Instant from, Instant to) throws SQLException {
        Map<String, SessionReadiness> out = new HashMap<>();
        Map<String, Long> bestAt = new HashMap<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT session_id, checked_at, detail FROM readiness_check WHERE checked_at >= ? AND checked_at < ?"
                        + " AND trigger <> 'in-session'")) {
            ps.setLong(1, from.minusSeconds(86_400).toEpochMilli());
            ps.setLong(2, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    Instant start = starts.get(id);
                    long at = rs.getLong(2);
                    if (start == null || at > start.toEpochMilli() || at < bestAt.getOrDefault(id, Long.MIN_VALUE)) {
                        continue;
                    }
                    bestAt.put(id, at);
                    out.put(id, read(rs.getString(3)));
                }
            }
        }
        return out;
    }

    public long openIncident(String sessionId, String classroomId, String boxId, Reason reason, Instant at) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO session_incident(session_id, classroom_id, box_id, code, device, severity, message, started_at)"
                        + " VALUES (?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, sessionId);
            ps.setString(2, classroomId);
            ps.setString(3, boxId);
            ps.setString(4, reason.code().name());
            ps.setString(5, reason.device());
            ps.setString(6, reason.severity().name());
            ps.setString(7, reason.en());
            ps.setLong(8, at.toEpochMilli());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    public void closeIncident(long id, Instant at) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE session_incident SET ended_at = ? WHERE id = ? AND ended_at IS NULL")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    public List<Incident> incidents(String sessionId) throws SQLException {
        return queryIncidents("WHERE session_id = ? ORDER BY started_at, id", ps -> ps.setString(1, sessionId));
    }

    public List<Incident> openIncidents() throws SQLException {
        return queryIncidents("WHERE ended_at IS NULL ORDER BY started_at, id", ps -> { });
    }

    /** Incidents that overlap [from, to). */
    public List<Incident> incidents(Instant from, Instant to) throws SQLException {
        return queryIncidents("WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at, id", ps -> {
            ps.setLong(1, to.toEpochMilli());
            ps.setLong(2, from.toEpochMilli());
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Incident> queryIncidents(String where, Binder binder) throws SQLException {
        List<Incident> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, session_id, classroom_id, box_id, code, device, severity, message, started_at, ended_at"
                        + " FROM session_incident " + where)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ended = rs.getLong(10);
                    Instant end = rs.wasNull() ? null : Instant.ofEpochMilli(ended);
                    out.add(new Incident(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            ReasonCode.valueOf(rs.getString(5)), rs.getString(6), Severity.valueOf(rs.getString(7)),
                            rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)), end));
                }
            }
        }
        return out;
    }

    private String write(SessionReadiness r) throws SQLException {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot serialize readiness check: " + e.getOriginalMessage(), e);
        }
    }

    private SessionReadiness read(String text) throws SQLException {
        try {
            return json.readValue(text, SessionReadiness.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored readiness check is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
