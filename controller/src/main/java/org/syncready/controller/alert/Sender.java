package org.syncready.controller.alert;

import java.time.Duration;
import java.util.List;

/**
 * Puts one message on one platform, synchronously, on a delivery thread, and says how it went in
 * the platform's own terms: taken, "too fast", refused for good (the platform's code and words) or
 * not reached (network). It never throws for the platform's or the network's failures.
 */
interface Sender {

    Result send(AlertChannel channel, Outgoing message) throws InterruptedException;

    /** The size the platform counts against {@link ChannelKind#maxBytes()}, for packing digests. */
    int measure(AlertChannel channel, Outgoing message);

    /**
     * A message ready to go.
     *
     * @param deliveryId the stored message's id: the same on every retry, so a receiver can drop a repeat
     * @param notices    what it carries (the webhook sends them as JSON)
     */
    record Outgoing(long deliveryId, Doc doc, List<Notice> notices, boolean digest, boolean test) {
    }

    /**
     * @param retryAfter for THROTTLED: how long the robot refuses (DingTalk: 10 minutes); otherwise null
     */
    record Result(DeliveryAttempt.Outcome outcome, String code, String detail, Duration retryAfter) {
        static Result sent(String code) {
            return new Result(DeliveryAttempt.Outcome.SENT, code, null, null);
        }

        static Result throttled(String code, String detail, Duration retryAfter) {
            return new Result(DeliveryAttempt.Outcome.THROTTLED, code, detail, retryAfter);
        }

        static Result retry(String code, String detail) {
            return new Result(DeliveryAttempt.Outcome.RETRY, code, detail, null);
        }

        static Result failed(String code, String detail) {
            return new Result(DeliveryAttempt.Outcome.FAILED, code, detail, null);
        }
    }
}
