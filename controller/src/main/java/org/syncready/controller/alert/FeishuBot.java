package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Feishu/Lark custom bot (自定义机器人), rich-text posts. With 签名校验, the JSON body carries
 * {@code timestamp} (seconds, as a string) and {@code sign = base64(HmacSHA256(key=timestamp + "\n"
 * + secret, data=empty))} (the reverse of DingTalk's key and data). Answers {@code {"code":..,"msg":..}}
 * (older bots add {@code StatusCode}): 0 taken; 9499 "too many request" (answered with HTTP 400) and
 * 11232 wait; 19021 (bad signature or clock), 19024 (keyword) and the rest are refusals.
 */
final class FeishuBot implements Sender {
    static final Duration THROTTLE_WAIT = Duration.ofMinutes(1);
    private final HttpPost http;
    private final Clock clock;

    FeishuBot(HttpPost http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Result send(AlertChannel channel, Outgoing message) throws InterruptedException {
        HttpPost.Answer a = http.post(channel.target().url(), http.bytes(body(channel, message.doc())), Map.of());
        Optional<JsonNode> answer = a.reached() ? a.json(http.json()) : Optional.empty();
        if (answer.isEmpty() || !(answer.get().has("code") || answer.get().has("StatusCode"))) {
            return HttpPost.unexpected(a);
        }
        int code = answer.get().has("code") ? answer.get().path("code").asInt() : answer.get().path("StatusCode").asInt();
        String msg = answer.get().has("msg") ? answer.get().path("msg").asText("") : answer.get().path("StatusMessage").asText("");
        return switch (code) {
            case 0 -> Result.sent("0");
            case 9499, 11232 -> Result.throttled(String.valueOf(code), msg, THROTTLE_WAIT);
            default -> a.status() >= 500 ? Result.retry(String.valueOf(code), msg) : Result.failed(String.valueOf(code), msg);
        };
    }

    private ObjectNode body(AlertChannel channel, Doc doc) {
        ObjectNode body = http.json().createObjectNode();
        if (channel.target().secret() != null) {
            long ts = clock.instant().getEpochSecond();
            body.put("timestamp", String.valueOf(ts)).put("sign", signature(channel.target().secret(), ts));
        }
        body.put("msg_type", "post");
        body.set("content", Formats.feishuPost(doc, http.json()));
        return body;
    }

    static String signature(String secret, long seconds) {
        return Base64.getEncoder().encodeToString(Hmac.sha256((seconds + "\n" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new byte[0]));
    }

    @Override
    public int measure(AlertChannel channel, Outgoing message) {
        Doc doc = message.doc();
        return http.bytes(body(channel, doc)).length;
    }
}
