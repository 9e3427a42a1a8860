package org.syncready.controller.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * SQLite rows of desired and reported configurations, override layers, profile assignments and
 * rollouts (migration V3). Blocking JDBC: only the rollout thread and API workers call it.
 */
final class ConfigStore {
    record Desired(String boxId, long version, String profile, String sha256, String payload, long createdAt) {
    }

    record Reported(String boxId, long version, String result, String error, long receivedAt) {
    }

    record RolloutRow(String id, long createdAt, String actor, String request, String state, int wave, String reason,
                      String previousOverrides, long failureBaseline, int acceptedWave) {
    }

    record BoxRow(String rolloutId, String boxId, int position, int wave, String state, String profile, String body,
                  Long previousVersion, Long version, Long sentAt, Long deferredUntil, String error) {
    }

    private final DataSource db;

    ConfigStore(DataSource db) {
        this.db = db;
    }

    Map<String, Desired> latestDesired() throws SQLException {
        Map<String, Desired> out = new HashMap<>();
        String sql = "SELECT d.box_id, d.version, d.profile, d.sha256, d.payload, d.created_at FROM config_desired d "
                + "JOIN (SELECT box_id, MAX(version) v FROM config_desired GROUP BY box_id) m ON m.box_id = d.box_id AND m.v = d.version";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Desired(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6)));
            }
        }
        return out;
    }

    Optional<Desired> desired(String boxId, long version) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT profile, sha256, payload, created_at FROM config_desired WHERE box_id = ? AND version = ?")) {
            ps.setString(1, boxId);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Desired(boxId, version, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                        : Optional.empty();
            }
        }
    }

    void insertDesired(Desired d, String rolloutId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO config_desired(box_id, version, profile, sha256, payload, created_at, rollout_id) VALUES (?,?,?,?,?,?,?)")) {
            ps.setString(1, d.boxId());
            ps.setLong(2, d.version());
            ps.setString(3, d.profile());
            ps.setString(4, d.sha256());
            ps.setString(5, d.payload());
            ps.setLong(6, d.createdAt());
            ps.setString(7, rolloutId);
            ps.executeUpdate();
        }
    }

    /** New desired documents of a rollout's boxes, and those boxes marked sent, in one transaction. */
    void recordSent(String rolloutId, List<Desired> docs, long at) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO config_desired(box_id, version, profile, sha256, payload, created_at, rollout_id) VALUES (?,?,?,?,?,?,?)");
                 PreparedStatement upd = c.prepareStatement("UPDATE rollout_box SET state = 'sent', version = ?, sent_at = ?, "
                         + "deferred_until = NULL, error = NULL, updated_at = ? WHERE rollout_id = ? AND box_id = ?")) {
                for (Desired d : docs) {
                    ins.setString(1, d.boxId());
                    ins.setLong(2, d.version());
                    ins.setString(3, d.profile());
                    ins.setString(4, d.sha256());
                    ins.setString(5, d.payload());
                    ins.setLong(6, d.createdAt());
                    ins.setString(7, rolloutId);
                    ins.addBatch();
                    upd.setLong(1, d.version());
                    upd.setLong(2, at);
                    upd.setLong(3, at);
                    upd.setString(4, rolloutId);
                    upd.setString(5, d.boxId());
                    upd.addBatch();
                }
                ins.executeBatch();
                upd.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    Map<String, Reported> reported() throws SQLException {
        Map<String, Reported> out = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT box_id, version, result, error, received_at FROM config_reported"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Reported(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
            }
        }
        return out;
    }

    void putReported(Reported r) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO config_reported(box_id, version, result, error, received_at) VALUES (?,?,?,?,?) "
                        + "ON CONFLICT(box_id) DO UPDATE SET version = excluded.version, result = excluded.result, "
                        + "error = excluded.error, received_at = excluded.received_at")) {
            ps.setString(1, r.boxId());
            ps.setLong(2, r.version());
            ps.setString(3, r.result());
            ps.setString(4, r.error());
            ps.setLong(5, r.receivedAt());
            ps.executeUpdate();
        }
    }

    /** Override layers by {@code "school:<id>"} / {@code "box:<id>"}. */
    Map<String, String> overrides() throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT scope, scope_id, body FROM config_override"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1) + ":" + rs.getString(2), rs.getString(3));
            }
        }
        return out;
    }

    /** Sets or (body null) removes one override layer. */
    void putOverride(String key, String body, long at, String actor) throws SQLException {
        String scope = key.substring(0, key.indexOf(':'));
        String id = key.substring(key.indexOf(':') + 1);
        try (Connection c = db.getConnection()) {
            if (body == null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM config_override WHERE scope = ? AND scope_id = ?")) {
                    ps.setString(1, scope);
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO config_override(scope, scope_id, body, updated_at, updated_by) VALUES (?,?,?,?,?) "
                            + "ON CONFLICT(scope, scope_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, "
                            + "updated_by = excluded.updated_by")) {
                ps.setString(1, scope);
                ps.setString(2, id);
                ps.setString(3, body);
                ps.setLong(4, at);
                ps.setString(5, actor);
                ps.executeUpdate();
            }
        }
    }

    Map<String, String> boxProfiles() throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT box_id, profile FROM box_profile");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static final String PUT_BOX_PROFILE = "INSERT INTO box_profile(box_id, profile, updated_at) VALUES (?,?,?) "
            + "ON CONFLICT(box_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at";

    void putBoxProfile(String boxId, String profile, long at) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(PUT_BOX_PROFILE)) {
            ps.setString(1, boxId);
            ps.setString(2, profile);
            ps.setLong(3, at);
            ps.executeUpdate();
        }
    }

    /**
     * The rollout, its boxes and the boxes' new profile assignments ({@code boxProfiles}, box id to
     * profile) in one transaction: one commit for a 10,000-box rollout rather than one per box.
     */
    void insertRollout(RolloutRow r, List<BoxRow> boxes, Map<String, String> boxProfiles, long at) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout(id, created_at, actor, request, state, wave, reason, "
                        + "previous_overrides, updated_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
                    ps.setString(1, r.id());
                    ps.setLong(2, r.createdAt());
                    ps.setString(3, r.actor());
                    ps.setString(4, r.request());
                    ps.setString(5, r.state());
                    ps.setInt(6, r.wave());
                    ps.setString(7, r.reason());
                    ps.setString(8, r.previousOverrides());
                    ps.setLong(9, at);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_box(rollout_id, box_id, position, wave, state, profile, "
                        + "body, previous_version, version, sent_at, deferred_until, error, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                    for (BoxRow b : boxes) {
                        ps.setString(1, b.rolloutId());
                        ps.setString(2, b.boxId());
                        ps.setInt(3, b.position());
                        ps.setInt(4, b.wave());
                        ps.setString(5, b.state());
                        ps.setString(6, b.profile());
                        ps.setString(7, b.body());
                        setLong(ps, 8, b.previousVersion());
                        setLong(ps, 9, b.version());
                        setLong(ps, 10, b.sentAt());
                        setLong(ps, 11, b.deferredUntil());
                        ps.setString(12, b.error());
                        ps.setLong(13, at);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement(PUT_BOX_PROFILE)) {
                    for (Map.Entry<String, String> p : boxProfiles.entrySet()) {
                        ps.setString(1, p.getKey());
                        ps.setString(2, p.getValue());
                        ps.setLong(3, at);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    void updateRollout(String id, String state, int wave, String reason, long failureBaseline, int acceptedWave, long at)
            throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE rollout SET state = ?, wave = ?, reason = ?, failure_baseline = ?, accepted_wave = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, state);
            ps.setInt(2, wave);
            ps.setString(3, reason);
            ps.setLong(4, failureBaseline);
            ps.setInt(5, acceptedWave);
            ps.setLong(6, at);
            ps.setString(7, id);
            ps.executeUpdate();
        }
    }

    void updateBox(String rolloutId, String boxId, String state, Long version, Long sentAt, Long deferredUntil, String error, long at)
            throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE rollout_box SET state = ?, version = ?, sent_at = ?, deferred_until = ?, error = ?, updated_at = ? "
                        + "WHERE rollout_id = ? AND box_id = ?")) {
            ps.setString(1, state);
            setLong(ps, 2, version);
            setLong(ps, 3, sentAt);
            setLong(ps, 4, deferredUntil);
            ps.setString(5, error);
            ps.setLong(6, at);
            ps.setString(7, rolloutId);
            ps.setString(8, boxId);
            ps.executeUpdate();
        }
    }

    List<RolloutRow> rollouts() throws SQLException {
        List<RolloutRow> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, created_at, actor, request, state, wave, reason, previous_overrides, failure_baseline, accepted_wave "
                        + "FROM rollout ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new RolloutRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getInt(10)));
            }
        }
        return out;
    }

    List<BoxRow> rolloutBoxes(String rolloutId) throws SQLException {
        List<BoxRow> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT box_id, position, wave, state, profile, body, previous_version, version, sent_at, deferred_until, error "
                        + "FROM rollout_box WHERE rollout_id = ? ORDER BY position")) {
            ps.setString(1, rolloutId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BoxRow(rolloutId, rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), getLong(rs, 7), getLong(rs, 8), getLong(rs, 9), getLong(rs, 10), rs.getString(11)));
                }
            }
        }
        return out;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
