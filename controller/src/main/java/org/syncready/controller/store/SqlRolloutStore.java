package org.syncready.controller.store;

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
import org.syncready.controller.rollout.BoxState;
import org.syncready.controller.rollout.RolloutState;
import org.syncready.controller.rollout.RolloutStore;

/**
 * The rollout package's state in SQLite (migration V3): desired and reported configurations, override
 * layers, profile assignments, rollouts and their boxes. Blocking JDBC: only the rollout thread calls
 * it. Every {@link SQLException} becomes a {@link StoreException} naming what failed.
 */
public final class SqlRolloutStore implements RolloutStore {
    private static final String INSERT_DESIRED =
            "INSERT INTO config_desired(box_id, version, profile, sha256, payload, created_at, rollout_id) VALUES (?,?,?,?,?,?,?)";
    private static final String PUT_BOX_PROFILE = "INSERT INTO box_profile(box_id, profile, updated_at) VALUES (?,?,?) "
            + "ON CONFLICT(box_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at";

    private final DataSource db;

    public SqlRolloutStore(Database database) {
        this(database.pool());
    }

    SqlRolloutStore(DataSource db) {
        this.db = db;
    }

    @Override
    public Map<String, Desired> latestDesired() {
        String sql = "SELECT d.box_id, d.version, d.profile, d.sha256, d.payload, d.created_at FROM config_desired d "
                + "JOIN (SELECT box_id, MAX(version) v FROM config_desired GROUP BY box_id) m ON m.box_id = d.box_id AND m.v = d.version";
        return query("read the desired configurations", sql, List.of(), rs -> {
            Map<String, Desired> out = new HashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), new Desired(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6)));
            }
            return out;
        });
    }

    @Override
    public Optional<Desired> desired(String boxId, long version) {
        return query("read desired version " + version + " of box " + boxId,
                "SELECT profile, sha256, payload, created_at FROM config_desired WHERE box_id = ? AND version = ?",
                List.of(boxId, version), rs -> rs.next()
                        ? Optional.of(new Desired(boxId, version, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                        : Optional.empty());
    }

    @Override
    public void insertDesired(Desired d, String rolloutId) {
        update("store desired version " + d.version() + " of box " + d.boxId(), INSERT_DESIRED, desiredValues(d, rolloutId));
    }

    @Override
    public void recordSent(String rolloutId, List<Desired> docs, long at) {
        inTransaction("store " + docs.size() + " documents sent by rollout " + rolloutId, c -> {
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

    @Override
    public Map<String, Reported> reported() {
        return query("read the reported configurations", "SELECT box_id, version, result, error, received_at FROM config_reported",
                List.of(), rs -> {
                    Map<String, Reported> out = new HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), new Reported(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                rs.getLong(5)));
                    }
                    return out;
                });
    }

    @Override
    public void putReported(List<Reported> reports) {
        if (reports.isEmpty()) {
            return;
        }
        inTransaction("store " + reports.size() + " configuration reports", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO config_reported(box_id, version, result, error, received_at) "
                    + "VALUES (?,?,?,?,?) ON CONFLICT(box_id) DO UPDATE SET version = excluded.version, result = excluded.result, "
                    + "error = excluded.error, received_at = excluded.received_at")) {
                for (Reported r : reports) {
                    bind(ps, r.boxId(), r.version(), r.result(), r.error(), r.receivedAt());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Override
    public Map<String, String> overrides() {
        return query("read the override layers", "SELECT scope, scope_id, body FROM config_override", List.of(), rs -> {
            Map<String, String> out = new HashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1) + ":" + rs.getString(2), rs.getString(3));
            }
            return out;
        });
    }

    @Override
    public void putOverride(String key, String body, long at, String actor) {
        String scope = key.substring(0, key.indexOf(':'));
        String id = key.substring(key.indexOf(':') + 1);
        if (body == null) {
            update("remove override " + key, "DELETE FROM config_override WHERE scope = ? AND scope_id = ?", scope, id);
            return;
        }
        update("store override " + key, "INSERT INTO config_override(scope, scope_id, body, updated_at, updated_by) VALUES (?,?,?,?,?) "
                        + "ON CONFLICT(scope, scope_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, "
                        + "updated_by = excluded.updated_by",
                scope, id, body, at, actor);
    }

    @Override
    public Map<String, String> boxProfiles() {
        return query("read the profile assignments", "SELECT box_id, profile FROM box_profile", List.of(), rs -> {
            Map<String, String> out = new HashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    @Override
    public void putBoxProfile(String boxId, String profile, long at) {
        update("store the profile of box " + boxId, PUT_BOX_PROFILE, boxId, profile, at);
    }

    /** One commit for a 10,000-box rollout rather than one per box. */
    @Override
    public void insertRollout(RolloutRow r, List<BoxRow> boxes, Map<String, String> boxProfiles, long at) {
        inTransaction("store rollout " + r.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout(id, created_at, actor, request, state, wave, reason, "
                    + "previous_overrides, updated_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
                bind(ps, r.id(), r.createdAt(), r.actor(), r.request(), r.state().label(), r.wave(), r.reason(), r.previousOverrides(), at);
                ps.executeUpdate();
            }
            // Each distinct body once (rows of the same rollout share the text), the rows name theirs by ref.
            Map<String, Integer> refs = new HashMap<>();
            try (PreparedStatement body = c.prepareStatement("INSERT INTO rollout_body(rollout_id, ref, body) VALUES (?,?,?)");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_box(rollout_id, box_id, position, wave, state, profile, "
                    + "body, body_ref, previous_version, version, sent_at, deferred_until, error, updated_at) "
                    + "VALUES (?,?,?,?,?,?,'',?,?,?,?,?,?,?)")) {
                for (BoxRow b : boxes) {
                    Integer ref = refs.get(b.body());
                    if (ref == null) {
                        ref = refs.size() + 1;
                        refs.put(b.body(), ref);
                        bind(body, r.id(), ref, b.body());
                        body.addBatch();
                    }
                    bind(ps, b.rolloutId(), b.boxId(), b.position(), b.wave(), b.state().label(), b.profile(), ref,
                            b.previousVersion(), b.version(), b.sentAt(), b.deferredUntil(), b.error(), at);
                    ps.addBatch();
                }
                body.executeBatch();
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

    @Override
    public void updateRollout(String id, RolloutState state, int wave, String reason, long failureBaseline, int acceptedWave, long at) {
        update("update rollout " + id, "UPDATE rollout SET state = ?, wave = ?, reason = ?, failure_baseline = ?, accepted_wave = ?, "
                        + "updated_at = ? WHERE id = ?",
                state.label(), wave, reason, failureBaseline, acceptedWave, at, id);
    }

    @Override
    public void updateBoxes(List<BoxRow> boxes, long at) {
        if (boxes.isEmpty()) {
            return;
        }
        inTransaction("update " + boxes.size() + " boxes of rollouts", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollout_box SET state = ?, version = ?, sent_at = ?, "
                    + "deferred_until = ?, error = ?, updated_at = ? WHERE rollout_id = ? AND box_id = ?")) {
                for (BoxRow b : boxes) {
                    bind(ps, b.state().label(), b.version(), b.sentAt(), b.deferredUntil(), b.error(), at, b.rolloutId(), b.boxId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Override
    public List<RolloutRow> rollouts() {
        return query("read the rollouts", "SELECT id, created_at, actor, request, state, wave, reason, previous_overrides, "
                + "failure_baseline, accepted_wave FROM rollout ORDER BY created_at, id", List.of(), rs -> {
                    List<RolloutRow> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new RolloutRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                RolloutState.of(rs.getString(5)), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getLong(9),
                                rs.getInt(10)));
                    }
                    return out;
                });
    }

    @Override
    public List<BoxRow> rolloutBoxes(String rolloutId) {
        return query("read the boxes of rollout " + rolloutId, "SELECT b.box_id, b.position, b.wave, b.state, b.profile, "
                + "CASE WHEN b.body_ref IS NULL THEN b.body ELSE t.body END, b.previous_version, b.version, b.sent_at, b.deferred_until, "
                + "b.error FROM rollout_box b LEFT JOIN rollout_body t ON t.rollout_id = b.rollout_id AND t.ref = b.body_ref "
                + "WHERE b.rollout_id = ? ORDER BY b.position", List.of(rolloutId),
                rs -> {
                    List<BoxRow> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new BoxRow(rolloutId, rs.getString(1), rs.getInt(2), rs.getInt(3), BoxState.of(rs.getString(4)),
                                rs.getString(5), rs.getString(6), getLong(rs, 7), getLong(rs, 8), getLong(rs, 9), getLong(rs, 10),
                                rs.getString(11)));
                    }
                    return out;
                });
    }

    private static Object[] desiredValues(Desired d, String rolloutId) {
        return new Object[] {d.boxId(), d.version(), d.profile(), d.sha256(), d.payload(), d.createdAt(), rolloutId};
    }

    private <T> T query(String what, String sql, List<Object> values, Rows<T> read) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                return read.read(rs);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private void update(String what, String sql, Object... values) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Runs {@code work} on one connection and commits it, or rolls all of it back on the first failure. */
    private void inTransaction(String what, Transaction work) {
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
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static StoreException failure(String what, SQLException e) {
        return new StoreException("cannot " + what + ": " + e.getMessage(), e);
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

    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
