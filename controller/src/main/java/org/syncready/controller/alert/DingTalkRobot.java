package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * DingTalk custom robot (自定义机器人), markdown messages. With a 加签 secret, each request carries
 * {@code timestamp} (ms) and {@code sign = urlencode(base64(HmacSHA256(key=secret,
 * data=timestamp + "\n" + secret)))} in its query. Every answer is HTTP 200 with
 * {@code {"errcode":..,"errmsg":..}}: 0 is taken; 130101 ("send too fast, exceed 20 times per
 * minute") means the robot refuses for 10 minutes; -1 is "system busy"; any other code (310000 bad
 * signature or keyword, 300001 unknown token, 460101 too long) is a refusal no retry will change.
 */
final class DingTalkRobot implements Sender {
    static final Duration BLOCKED_FOR = Duration.ofMinutes(10);
    private final HttpPost http;
    private final Clock clock;

    DingTalkRobot(HttpPost http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Result send(AlertChannel channel, Outgoing message) throws InterruptedException {
        ObjectNode body = body(message.doc());
        String url = channel.target().url();
        if (channel.target().secret() != null) {
            url += (url.contains("?") ? "&" : "?") + signature(channel.target().secret(), clock.millis());
        }
        HttpPost.Answer a = http.post(url, http.bytes(body), Map.of());
        Optional<JsonNode> answer = a.reached() && a.status() == 200 ? a.json(http.json()) : Optional.empty();
        if (answer.isEmpty() || !answer.get().has("errcode")) {
            return HttpPost.unexpected(a);
        }
        int code = answer.get().path("errcode").asInt();
        String msg = answer.get().path("errmsg").asText("");
        return switch (code) {
            case 0 -> Result.sent("0");
            case 130101 -> Result.throttled("130101", msg, BLOCKED_FOR);
            case -1 -> Result.retry("-1", msg);
            default -> Result.failed(String.valueOf(code), msg);
        };
    }

    /** {@code timestamp=..&sign=..} for a secret at a time (ms). */
    static String signature(String secret, long millis) {
        String sign = Base64.getEncoder().encodeToString(Hmac.sha256(secret, millis + "\n" + secret));
        return "timestamp=" + millis + "&sign=" + URLEncoder.encode(sign, StandardCharsets.UTF_8);
    }

    @Override
    public int measure(AlertChannel channel, Outgoing message) {
        // The whole JSON body counts against 20,000 bytes.
        return http.bytes(body(message.doc())).length;
    }

    private ObjectNode body(Doc doc) {
        ObjectNode body = http.json().createObjectNode().put("msgtype", "markdown");
        body.putObject("markdown").put("title", doc.title()).put("text", Formats.markdown(doc, ChannelKind.DINGTALK));
        return body;
    }
}
