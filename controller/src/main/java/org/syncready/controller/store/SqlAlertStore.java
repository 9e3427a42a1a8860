package org.syncready.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.syncready.controller.alert.AlertStore;
import org.syncready.controller.alert.DeliveryAttempt;
import org.syncready.controller.alert.Maintenance;
import org.syncready.controller.alert.Notice;
import org.syncready.controller.alert.OutboxMessage;
import org.syncready.controller.alert.Problem;
import org.syncready.controller.alert.QuietHours;

/** Alerts in SQLite (tables of migration V7): problems and notices as JSON, the outbox and its log as rows. */
public final class SqlAlertStore implements AlertStore {
    private final Jdbc jdbc;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CollectionType longs = json.getTypeFactory().constructCollectionType(List.class, Long.class);

    public SqlAlertStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    // ------------------------------------------------------------------ channels

    @Override
    public List<ChannelRecord> channels() {
        return jdbc.list("SELECT id, school_id, settings, target_sealed, created_at, updated_at FROM alert_channel ORDER BY id",
                rs -> new ChannelRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6))));
    }

    @Override
    public void saveChannel(ChannelRecord c) {
        jdbc.update("INSERT INTO alert_channel(id, school_id, settings, target_sealed, created_at, updated_at) VALUES (?,?,?,?,?,?)"
                        + " ON CONFLICT(id) DO UPDATE SET school_id=excluded.school_id, settings=excluded.settings,"
                        + " target_sealed=excluded.target_sealed, updated_at=excluded.updated_at",
                c.id(), c.schoolId(), c.settingsJson(), c.sealedTarget(), c.createdAt().toEpochMilli(), c.updatedAt().toEpochMilli());
    }

    @Override
    public boolean deleteChannel(String id) {
        return jdbc.update("DELETE FROM alert_channel WHERE id = ?", id) > 0;
    }

    // ------------------------------------------------------------------ problems

    @Override
    public List<Problem> liveProblems() {
        return jdbc.list("SELECT body FROM alert_problem WHERE live = 1 ORDER BY updated_at", rs -> read(rs.getString(1), Problem.class));
    }

    @Override
    public void saveProblems(java.util.Collection<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        jdbc.inTransaction("save alert problems", c -> {
            for (Problem p : problems) {
                Jdbc.update(c, "INSERT INTO alert_problem(problem_key, live, updated_at, body) VALUES (?,?,?,?)"
                                + " ON CONFLICT(problem_key) DO UPDATE SET live=excluded.live, updated_at=excluded.updated_at, body=excluded.body",
                        p.key(), p.live() ? 1 : 0, p.updatedAt().toEpochMilli(), write(p));
            }
            return null;
        });
    }

    @Override
    public int forgetProblems(Instant before) {
        return jdbc.update("DELETE FROM alert_problem WHERE live = 0 AND updated_at < ?", before.toEpochMilli());
    }

    @Override
    public int pruneLog(Instant before) {
        long t = before.toEpochMilli();
        return jdbc.inTransaction("prune alert log", c -> Jdbc.update(c, "DELETE FROM alert_attempt WHERE at < ?", t)
                + Jdbc.update(c, "DELETE FROM alert_message WHERE created_at < ? AND state <> 'QUEUED'", t)
                + Jdbc.update(c, "DELETE FROM alert_notice WHERE at < ? AND id NOT IN"
                + " (" + jdbc.dialect().jsonArrayValues("alert_message", "notice_ids") + " WHERE state = 'QUEUED')", t));
    }

    // ------------------------------------------------------------------ notices

    @Override
    public List<Long> insertNotices(List<Notice> notices) {
        return jdbc.inTransaction("insert notices", c -> {
            List<Long> ids = new java.util.ArrayList<>(notices.size());
            for (Notice n : notices) {
                long id = Jdbc.insertReturningId(c, "INSERT INTO alert_notice(topic, school_id, trigger_name, at, body) VALUES (?,?,?,?,?)",
                        n.topic().label(), n.schoolId(), n.trigger(), n.at().toEpochMilli(), "{}");
                Jdbc.update(c, "UPDATE alert_notice SET body = ? WHERE id = ?", write(n.withId(id)), id);
                ids.add(id);
            }
            return ids;
        });
    }

    @Override
    public Optional<NoticeRecord> notice(long id) {
        return jdbc.first("SELECT body, acked_by, acked_via, acked_at FROM alert_notice WHERE id = ?", this::noticeRecord, id);
    }

    @Override
    public List<NoticeRecord> notices(String schoolId, int limit) {
        return schoolId == null
                ? jdbc.list("SELECT body, acked_by, acked_via, acked_at FROM alert_notice ORDER BY id DESC LIMIT ?", this::noticeRecord, limit)
                : jdbc.list("SELECT body, acked_by, acked_via, acked_at FROM alert_notice WHERE school_id = ? ORDER BY id DESC LIMIT ?",
                this::noticeRecord, schoolId, limit);
    }

    private NoticeRecord noticeRecord(ResultSet rs) throws SQLException {
        Long at = Jdbc.nullableLong(rs, 4);
        return new NoticeRecord(read(rs.getString(1), Notice.class), rs.getString(2), rs.getString(3),
                at == null ? null : Instant.ofEpochMilli(at));
    }

    @Override
    public void acknowledgeNotice(long id, String by, String via, Instant at) {
        jdbc.update("UPDATE alert_notice SET acked_by = ?, acked_via = ?, acked_at = ? WHERE id = ? AND acked_by IS NULL",
                by, via, at.toEpochMilli(), id);
    }

    // ------------------------------------------------------------------ outbox

    private static final String MESSAGE_COLUMNS = "id, channel_id, notice_ids, digest, test, state, created_at, expires_at, attempts,"
            + " next_attempt_at, last_code, last_error, sent_at, merged_into, title";

    @Override
    public List<Long> insertMessages(List<OutboxMessage> messages) {
        return jdbc.inTransaction("insert alert messages", c -> {
            List<Long> ids = new java.util.ArrayList<>(messages.size());
            for (OutboxMessage m : messages) {
                ids.add(Jdbc.insertReturningId(c, "INSERT INTO alert_message(channel_id, notice_ids, digest, test, state, created_at, expires_at, attempts,"
                                + " next_attempt_at, last_code, last_error, sent_at, merged_into, title) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        m.channelId(), write(m.noticeIds()), m.digest() ? 1 : 0, m.test() ? 1 : 0, m.state().name(),
                        m.createdAt().toEpochMilli(), millis(m.expiresAt()), m.attempts(), millis(m.nextAttemptAt()), m.lastCode(),
                        m.lastError(), millis(m.sentAt()), m.mergedInto(), m.title()));
            }
            return ids;
        });
    }

    @Override
    public void record(List<OutboxMessage> updated, List<DeliveryAttempt> attempts) {
        jdbc.inTransaction("record alert deliveries", c -> {
            for (OutboxMessage m : updated) {
                Jdbc.update(c, "UPDATE alert_message SET state = ?, attempts = ?, next_attempt_at = ?, last_code = ?, last_error = ?,"
                                + " sent_at = ?, merged_into = ? WHERE id = ?",
                        m.state().name(), m.attempts(), millis(m.nextAttemptAt()), m.lastCode(), m.lastError(), millis(m.sentAt()),
                        m.mergedInto(), m.id());
            }
            for (DeliveryAttempt a : attempts) {
                Jdbc.update(c, "INSERT INTO alert_attempt(message_id, channel_id, at, outcome, code, detail, millis) VALUES (?,?,?,?,?,?,?)",
                        a.messageId(), a.channelId(), a.at().toEpochMilli(), a.outcome().label(), a.code(), a.detail(), a.millis());
            }
            return null;
        });
    }

    @Override
    public List<OutboxMessage> queuedMessages() {
        return jdbc.list("SELECT " + MESSAGE_COLUMNS + " FROM alert_message WHERE state = 'QUEUED' ORDER BY id", this::message);
    }

    @Override
    public List<OutboxMessage> messages(String channelId, int limit) {
        return jdbc.list("SELECT " + MESSAGE_COLUMNS + " FROM alert_message WHERE channel_id = ? ORDER BY id DESC LIMIT ?",
                this::message, channelId, limit);
    }

    @Override
    public int cancelQueued(String channelId) {
        return jdbc.update("UPDATE alert_message SET state = 'CANCELLED' WHERE channel_id = ? AND state = 'QUEUED'", channelId);
    }

    private OutboxMessage message(ResultSet rs) throws SQLException {
        List<Long> ids = read(rs.getString(3), longs);
        return new OutboxMessage(rs.getLong(1), rs.getString(2), ids, rs.getInt(4) == 1, rs.getInt(5) == 1,
                OutboxMessage.State.valueOf(rs.getString(6)), Instant.ofEpochMilli(rs.getLong(7)), instant(rs, 8), rs.getInt(9),
                instant(rs, 10), rs.getString(11), rs.getString(12), instant(rs, 13), Jdbc.nullableLong(rs, 14), rs.getString(15));
    }

    @Override
    public List<DeliveryAttempt> attempts(String channelId, int limit) {
        return jdbc.list("SELECT message_id, channel_id, at, outcome, code, detail, millis FROM alert_attempt WHERE channel_id = ?"
                + " ORDER BY id DESC LIMIT ?", this::attempt, channelId, limit);
    }

    @Override
    public List<DeliveryAttempt> attemptsSince(Instant since) {
        return jdbc.list("SELECT message_id, channel_id, at, outcome, code, detail, millis FROM alert_attempt WHERE at >= ? ORDER BY id",
                this::attempt, since.toEpochMilli());
    }

    private DeliveryAttempt attempt(ResultSet rs) throws SQLException {
        return new DeliveryAttempt(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                DeliveryAttempt.Outcome.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)), rs.getString(5), rs.getString(6),
                rs.getLong(7));
    }

    // ------------------------------------------------------------------ quiet hours, maintenance

    @Override
    public List<QuietHours> quietHours() {
        return jdbc.list("SELECT school_id, from_time, to_time FROM alert_quiet_hours ORDER BY school_id",
                rs -> new QuietHours(rs.getString(1), LocalTime.parse(rs.getString(2)), LocalTime.parse(rs.getString(3))));
    }

    @Override
    public void saveQuietHours(QuietHours q) {
        jdbc.update("INSERT INTO alert_quiet_hours(school_id, from_time, to_time) VALUES (?,?,?)"
                + " ON CONFLICT(school_id) DO UPDATE SET from_time=excluded.from_time, to_time=excluded.to_time",
                q.schoolId(), q.from().toString(), q.to().toString());
    }

    @Override
    public boolean deleteQuietHours(String schoolId) {
        return jdbc.update("DELETE FROM alert_quiet_hours WHERE school_id = ?", schoolId) > 0;
    }

    @Override
    public List<Maintenance> maintenance(Instant now) {
        return jdbc.list("SELECT id, school_id, classroom_id, from_at, until_at, note, by_actor FROM alert_maintenance"
                        + " WHERE until_at > ? ORDER BY until_at",
                rs -> new Maintenance(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                        Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7)), now.toEpochMilli());
    }

    @Override
    public long insertMaintenance(Maintenance m) {
        return jdbc.inTransaction("insert maintenance", c -> {
            return Jdbc.insertReturningId(c, "INSERT INTO alert_maintenance(school_id, classroom_id, from_at, until_at, note, by_actor)"
                            + " VALUES (?,?,?,?,?,?)",
                    m.schoolId(), m.classroomId(), m.from().toEpochMilli(), m.until().toEpochMilli(), m.note(), m.by());
        });
    }

    @Override
    public boolean deleteMaintenance(long id) {
        return jdbc.update("DELETE FROM alert_maintenance WHERE id = ?", id) > 0;
    }

    // ------------------------------------------------------------------ JSON

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored " + type.getSimpleName() + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(String text, CollectionType type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored list is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Long v = Jdbc.nullableLong(rs, column);
        return v == null ? null : Instant.ofEpochMilli(v);
    }
}
