package org.syncready.controller.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where alerts keep what must survive a restart: channels (their target sealed by {@link SecretSeal}),
 * problems, notices and their acknowledgements, the outbox and its delivery log, quiet hours and
 * maintenance windows. Implemented in the store package; a database failure is an unchecked
 * {@code StoreException}.
 */
public interface AlertStore {

    /** A channel as stored: its settings as JSON, its target sealed. */
    record ChannelRecord(String id, String schoolId, String settingsJson, String sealedTarget, Instant createdAt, Instant updatedAt) {
    }

    /** A stored notice and who acknowledged it (null until then). */
    record NoticeRecord(Notice notice, String ackedBy, String ackedVia, Instant ackedAt) {
    }

    List<ChannelRecord> channels();

    void saveChannel(ChannelRecord channel);

    boolean deleteChannel(String id);

    /** Problems still open or with a recovery notice to send. */
    List<Problem> liveProblems();

    /** Saves the problems in one transaction (a check of a thousand classrooms is one commit, not a thousand). */
    void saveProblems(java.util.Collection<Problem> problems);

    /** Forgets problems that ended before {@code before}; returns how many. */
    int forgetProblems(Instant before);

    /** Deletes notices, finished messages and delivery-log lines older than {@code before}; returns the rows deleted. */
    int pruneLog(Instant before);

    /** Stores notices in one transaction; returns their ids in order. */
    List<Long> insertNotices(List<Notice> notices);

    /** Stores a notice; returns its id. */
    default long insertNotice(Notice notice) {
        return insertNotices(List.of(notice)).get(0);
    }

    Optional<NoticeRecord> notice(long id);

    /** The latest notices, newest first; {@code schoolId} null: all. */
    List<NoticeRecord> notices(String schoolId, int limit);

    void acknowledgeNotice(long id, String by, String via, Instant at);

    /** Stores messages in one transaction; returns their ids in order. */
    List<Long> insertMessages(List<OutboxMessage> messages);

    /** Stores a message; returns its id. */
    default long insertMessage(OutboxMessage message) {
        return insertMessages(List.of(message)).get(0);
    }

    /** Updates messages and appends delivery-log lines, in one transaction. */
    void record(List<OutboxMessage> updated, List<DeliveryAttempt> attempts);

    /** Messages still QUEUED, oldest first: the queue after a restart. */
    List<OutboxMessage> queuedMessages();

    /** The channel's latest messages, newest first. */
    List<OutboxMessage> messages(String channelId, int limit);

    /** Marks channel's queued messages CANCELLED (the channel was deleted); returns how many. */
    int cancelQueued(String channelId);

    /** The channel's latest delivery-log lines, newest first. */
    List<DeliveryAttempt> attempts(String channelId, int limit);

    /** Every channel's delivery-log lines since {@code since}, oldest first (the robots' pace after a restart). */
    List<DeliveryAttempt> attemptsSince(Instant since);

    List<QuietHours> quietHours();

    void saveQuietHours(QuietHours hours);

    boolean deleteQuietHours(String schoolId);

    /** Windows that have not ended by {@code now}. */
    List<Maintenance> maintenance(Instant now);

    long insertMaintenance(Maintenance window);

    boolean deleteMaintenance(long id);
}
