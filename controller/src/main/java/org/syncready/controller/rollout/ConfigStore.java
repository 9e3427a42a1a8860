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

    private static final String INSERT_DESIRED =
            "INSERT INTO config_desired(box_id, version, profile, sha256, payload, created_at, rollout_id) VALUES (?,?,?,?,?,?,?)";

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
            bind(ps, boxId, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Desired(boxId, version, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                        : Optional.empty();
            }
        }
    }

    void insertDesired(Desired d, String rolloutId) throws SQLException {
        update(INSERT_DESIRED, desiredValues(d, rolloutId));
    }

    /** New desired documents of a rollout's boxes, and those boxes marked sent, in one transaction. */
    void recordSent(String rolloutId, List<Desired> docs, long at) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ins = c.prepareStatement(INSERT_DESIRED);
                 PreparedStatement upd = c.prepareStatement("UPDATE rollout_box SET state = 'sent', version = ?, sent_at = ?, "
                         + "deferred_until = NULL, error = NULL, updated_at = ? WHERE rollout_id = ? AND box_id = ?")) {
                for (Desired d : docs) {
                    bind(ins, desiredValues(d, rolloutId));
                    ins.addBatch();
                    bind(upd, d.version(), at, at, rolloutId, d.boxId());
                    upd.addBatch();
                }
                ins.executeBatch();
                upd.executeBatch();
            }
        });
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
        update("INSERT INTO config_reported(box_id, version, result, error, received_at) VALUES (?,?,?,?,?) "
                        + "ON CONFLICT(box_id) DO UPDATE SET version = excluded.version, result = excluded.result, "
                        + "error = excluded.error, received_at = excluded.received_at",
                r.boxId(), r.version(), r.result(), r.error(), r.receivedAt());
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
        if (body == null) {
            update("DELETE FROM config_override WHERE scope = ? AND scope_id = ?", scope, id);
            return;
        }
        update("INSERT INTO config_override(scope, scope_id, body, updated_at, updated_by) VALUES (?,?,?,?,?) "
                        + "ON CONFLICT(scope, scope_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, "
                        + "updated_by = excluded.updated_by",
                scope, id, body, at, actor);
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
        update(PUT_BOX_PROFILE, boxId, profile, at);
    }

    /**
     * The rollout, its boxes and the boxes' new profile assignments ({@code boxProfiles}, box id to
     * profile) in one transaction: one commit for a 10,000-box rollout rather than one per box.
     */
    void insertRollout(RolloutRow r, List<BoxRow> boxes, Map<String, String> boxProfiles, long at) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout(id, created_at, actor, request, state, wave, reason, "
                    + "previous_overrides, updated_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
                bind(ps, r.id(), r.createdAt(), r.actor(), r.request(), r.state(), r.wave(), r.reason(), r.previousOverrides(), at);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_box(rollout_id, box_id, position, wave, state, profile, "
                    + "body, previous_version, version, sent_at, deferred_until, error, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (BoxRow b : boxes) {
                    bind(ps, b.rolloutId(), b.boxId(), b.position(), b.wave(), b.state(), b.profile(), b.body(),
                            b.previousVersion(), b.version(), b.sentAt(), b.deferredUntil(), b.error(), at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(PUT_BOX_PROFILE)) {
                for (Map.Entry<String, String> p : boxProfiles.entrySet()) {
                    bind(ps, p.getKey(), p.getValue(), at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    void updateRollout(String id, String state, int wave, String reason, long failureBaseline, int acceptedWave, long at)
            throws SQLException {
        update("UPDATE rollout SET state = ?, wave = ?, reason = ?, failure_baseline = ?, accepted_wave = ?, updated_at = ? WHERE id = ?",
                state, wave, reason, failureBaseline, acceptedWave, at, id);
    }

    void updateBox(String rolloutId, String boxId, String state, Long version, Long sentAt, Long deferredUntil, String error, long at)
            throws SQLException {
        update("UPDATE rollout_box SET state = ?, version = ?, sent_at = ?, deferred_until = ?, error = ?, updated_at = ? "
                        + "WHERE rollout_id = ? AND box_id = ?",
                state, version, sentAt, deferredUntil, error, at, rolloutId, boxId);
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
            bind(ps, rolloutId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BoxRow(rolloutId, rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), getLong(rs, 7), getLong(rs, 8), getLong(rs, 9), getLong(rs, 10), rs.getString(11)));
                }
            }
        }
        return out;
    }

    private static Object[] desiredValues(Desired d, String rolloutId) {
        return new Object[] {d.boxId(), d.version(), d.profile(), d.sha256(), d.payload(), d.createdAt(), rolloutId};
    }

    private void update(String sql, Object... values) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            ps.executeUpdate();
        }
    }

    /** Runs {@code work} on one connection and commits it, or rolls all of it back on the first failure. */
    private void inTransaction(Transaction work) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Binds the statement's parameters in order; a null value (an unset Long column) binds SQL NULL. */
    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, values[i]);
            }
        }
    }

    @FunctionalInterface
    private interface Transaction {
        void run(Connection c) throws SQLException;
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
