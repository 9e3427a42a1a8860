package org.syncready.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.ReasonCode;
import org.syncready.controller.readiness.ReadinessChecks;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;

/**
 * Readiness checks (each kept whole as JSON, with its session, time, trigger and verdict beside it
 * for queries) and in-class incidents in SQLite (tables of migration V2).
 */
public final class SqlReadinessStore implements CheckStore {
    private static final String INCIDENT_COLUMNS =
            "SELECT id, session_id, classroom_id, box_id, code, device, severity, message, started_at, ended_at FROM session_incident ";

    private final Jdbc jdbc;
    private final ObjectMapper json;

    public SqlReadinessStore(Database database, ObjectMapper json) {
        this.jdbc = new Jdbc(database);
        this.json = json;
    }

    @Override
    public void saveCheck(SessionReadiness r) {
        jdbc.update("INSERT INTO readiness_check(session_id, checked_at, trigger, verdict, detail) VALUES (?,?,?,?,?)",
                r.sessionId(), r.checkedAt().toEpochMilli(), r.trigger(), r.verdict().name(), write(r));
    }

    @Override
    public Map<String, SessionReadiness> latest(Collection<String> sessionIds) {
        return jdbc.withConnection("reading readiness checks", c -> {
            Map<String, SessionReadiness> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
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
        });
    }

    @Override
    public List<SessionReadiness> checks(String sessionId) {
        return jdbc.list("SELECT detail FROM readiness_check WHERE session_id = ? ORDER BY checked_at, id",
                rs -> read(rs.getString(1)), sessionId);
    }

    @Override
    public Map<String, SessionReadiness> lastBeforeStart(Map<String, Instant> starts, Instant from, Instant to) {
        Map<String, SessionReadiness> out = new HashMap<>();
        Map<String, Long> bestAt = new HashMap<>();
        jdbc.list("SELECT session_id, checked_at, detail FROM readiness_check WHERE checked_at >= ? AND checked_at < ?"
                        + " AND trigger <> ?",
                rs -> {
                    String id = rs.getString(1);
                    Instant start = starts.get(id);
                    long at = rs.getLong(2);
                    if (start != null && at <= start.toEpochMilli() && at >= bestAt.getOrDefault(id, Long.MIN_VALUE)) {
                        bestAt.put(id, at);
                        out.put(id, read(rs.getString(3)));
                    }
                    return id;
                },
                from.minusSeconds(86_400).toEpochMilli(), to.toEpochMilli(), ReadinessChecks.IN_SESSION);
        return out;
    }

    @Override
    public long openIncident(String sessionId, String classroomId, String boxId, Reason reason, Instant at) {
        return jdbc.withConnection("opening an incident of session " + sessionId, c -> Jdbc.insertReturningId(c,
                "INSERT INTO session_incident(session_id, classroom_id, box_id, code, device, severity, message, started_at)"
                        + " VALUES (?,?,?,?,?,?,?,?)",
                sessionId, classroomId, boxId, reason.code().name(), reason.device(), reason.severity().name(), reason.en(),
                at.toEpochMilli()));
    }

    @Override
    public void closeIncident(long id, Instant at) {
        jdbc.update("UPDATE session_incident SET ended_at = ? WHERE id = ? AND ended_at IS NULL", at.toEpochMilli(), id);
    }

    @Override
    public List<Incident> incidents(String sessionId) {
        return jdbc.list(INCIDENT_COLUMNS + "WHERE session_id = ? ORDER BY started_at, id", SqlReadinessStore::incident, sessionId);
    }

    @Override
    public List<Incident> openIncidents() {
        return jdbc.list(INCIDENT_COLUMNS + "WHERE ended_at IS NULL ORDER BY started_at, id", SqlReadinessStore::incident);
    }

    @Override
    public List<Incident> incidents(Instant from, Instant to) {
        return jdbc.list(INCIDENT_COLUMNS + "WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at, id",
                SqlReadinessStore::incident, to.toEpochMilli(), from.toEpochMilli());
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        Long ended = Jdbc.nullableLong(rs, 10);
        return new Incident(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                ReasonCode.valueOf(rs.getString(5)), rs.getString(6), Severity.valueOf(rs.getString(7)),
                rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)), ended == null ? null : Instant.ofEpochMilli(ended));
    }

    private String write(SessionReadiness r) {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialize readiness check: " + e.getOriginalMessage(), e);
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
