package org.syncready.controller.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One message to one channel, stored before it is sent and updated after every attempt: the queue
 * that survives a restart and the channel's delivery log.
 *
 * @param noticeIds   the notice it carries; a digest carries several
 * @param expiresAt   after this an unsent message is moot (its class is over) and is not sent
 * @param mergedInto  the digest that carried it, when {@code state} is MERGED
 * @param lastCode    the platform's error code or the HTTP/SMTP status of the last attempt
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutboxMessage(long id, String channelId, List<Long> noticeIds, boolean digest, boolean test, State state,
                            Instant createdAt, Instant expiresAt, int attempts, Instant nextAttemptAt, String lastCode,
                            String lastError, Instant sentAt, Long mergedInto, String title) {

    public OutboxMessage {
        noticeIds = List.copyOf(noticeIds);
    }

    /** Where a message is. QUEUED is the only unfinished state. */
    public enum State {
        QUEUED, SENT, FAILED, MERGED, EXPIRED, DROPPED, CANCELLED;

        /** As the API shows it: lower case, like the delivery log's outcomes. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    OutboxMessage withId(long newId) {
        return new OutboxMessage(newId, channelId, noticeIds, digest, test, state, createdAt, expiresAt, attempts, nextAttemptAt,
                lastCode, lastError, sentAt, mergedInto, title);
    }

    OutboxMessage attempt(State newState, int newAttempts, Instant next, String code, String error, Instant sent, Long merged) {
        return new OutboxMessage(id, channelId, noticeIds, digest, test, newState, createdAt, expiresAt, newAttempts, next, code,
                error, sent, merged, title);
    }
}
