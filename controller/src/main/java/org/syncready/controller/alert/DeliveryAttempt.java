package org.syncready.controller.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Locale;

/** One line of a channel's delivery log: what happened to a message, and the platform's words for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryAttempt(long messageId, String channelId, Instant at, Outcome outcome, String code, String detail, long millis) {

    /** How an attempt (or a decision about a message) ended. */
    public enum Outcome {
        /** The platform took it. */
        SENT,
        /** The platform said "too fast" (DingTalk 130101, WeCom 45009, Feishu 9499, HTTP 429): waits, then goes again. */
        THROTTLED,
        /** A network error, a timeout or a 5xx: tried again with backoff. */
        RETRY,
        /** The platform refused it for good (bad signature, unknown robot, too long): not tried again. */
        FAILED,
        /** Put into a digest with other messages to stay within the pace. */
        MERGED,
        /** Its class was over before it could be sent. */
        EXPIRED,
        /** The channel's backlog was full: the oldest messages gave way (counted in the next digest). */
        DROPPED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
