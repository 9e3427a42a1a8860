package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The generic webhook (docs/ALERTS.md): a JSON body with the notices' data and their text, signed
 * {@code X-SyncReady-Signature: sha256=hex(HmacSHA256(secret, timestamp + "." + body))} with
 * {@code X-SyncReady-Timestamp} (seconds) and {@code X-SyncReady-Delivery} (the same on a retry, to
 * drop repeats). Any 2xx is taken; 429 and 503 wait ({@code Retry-After}); 408 and 5xx are tried
 * again; other 4xx are refusals.
 */
final class SignedWebhook implements Sender {
    static final String SIGNATURE = "X-SyncReady-Signature";
    static final String TIMESTAMP = "X-SyncReady-Timestamp";
    static final String DELIVERY = "X-SyncReady-Delivery";
    static final String CHANNEL = "X-SyncReady-Channel";
    static final String EVENT = "X-SyncReady-Event";
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final HttpPost http;
    private final Clock clock;

    SignedWebhook(HttpPost http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Result send(AlertChannel channel, Outgoing message) throws InterruptedException {
        byte[] body = http.bytes(payload(message));
        long ts = clock.instant().getEpochSecond();
        HttpPost.Answer a = http.post(channel.target().url(), body, Map.of(
                SIGNATURE, "sha256=" + signature(channel.target().secret(), ts, body),
                TIMESTAMP, String.valueOf(ts),
                DELIVERY, String.valueOf(message.deliveryId()),
                CHANNEL, channel.id(),
                EVENT, message.test() ? "test" : message.digest() ? "digest" : "alert"));
        if (!a.reached()) {
            return Result.retry(null, a.networkError());
        }
        if (a.status() >= 200 && a.status() < 300) {
            return Result.sent(String.valueOf(a.status()));
        }
        if (a.status() == 429 || a.status() == 503) {
            Duration wait = a.header("Retry-After").map(SignedWebhook::seconds).orElse(DEFAULT_WAIT);
            return Result.throttled(String.valueOf(a.status()), "HTTP " + a.status(), wait);
        }
        return HttpPost.unexpected(a);
    }

    /** The body: one object per notice plus the message's text (docs/ALERTS.md, "Webhook body"). */
    ObjectNode payload(Outgoing message) {
        ObjectNode p = http.json().createObjectNode().put("v", 1).put("deliveryId", message.deliveryId())
                .put("type", message.test() ? "test" : message.digest() ? "digest" : "alert")
                .put("title", message.doc().title()).put("text", Formats.text(message.doc()))
                .put("markdown", Formats.markdown(message.doc(), ChannelKind.DINGTALK));
        ArrayNode notices = p.putArray("notices");
        message.notices().forEach(n -> notices.add(http.json().valueToTree(n)));
        return p;
    }

    static String signature(String secret, long seconds, byte[] body) {
        byte[] prefix = (seconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, data, 0, prefix.length);
        System.arraycopy(body, 0, data, prefix.length, body.length);
        return HexFormat.of().formatHex(Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), data));
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.max(1, Math.min(3600, Long.parseLong(retryAfter.strip()))));
        } catch (NumberFormatException e) {
            return DEFAULT_WAIT;
        }
    }

    @Override
    public int measure(AlertChannel channel, Outgoing message) {
        return http.bytes(payload(message)).length;
    }
}
