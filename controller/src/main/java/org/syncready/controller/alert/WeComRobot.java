package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * WeCom group robot (企业微信群机器人), markdown messages; the {@code key} in the URL is the only
 * credential. Answers {@code {"errcode":..,"errmsg":..}}: 0 taken; 45009 "api freq out of limit"
 * (20 a minute) waits a minute; -1 "system busy" is tried again; 93000 (invalid webhook URL),
 * 40058 (markdown over 4,096 bytes) and the rest are refusals.
 */
final class WeComRobot implements Sender {
    static final Duration THROTTLE_WAIT = Duration.ofMinutes(1);
    private final HttpPost http;

    WeComRobot(HttpPost http) {
        this.http = http;
    }

    @Override
    public Result send(AlertChannel channel, Outgoing message) throws InterruptedException {
        ObjectNode body = http.json().createObjectNode().put("msgtype", "markdown");
        body.putObject("markdown").put("content", Formats.markdown(message.doc(), ChannelKind.WECOM));
        HttpPost.Answer a = http.post(channel.target().url(), http.bytes(body), Map.of());
        Optional<JsonNode> answer = a.reached() && a.status() == 200 ? a.json(http.json()) : Optional.empty();
        if (answer.isEmpty() || !answer.get().has("errcode")) {
            return HttpPost.unexpected(a);
        }
        int code = answer.get().path("errcode").asInt();
        String msg = answer.get().path("errmsg").asText("");
        return switch (code) {
            case 0 -> Result.sent("0");
            case 45009 -> Result.throttled("45009", msg, THROTTLE_WAIT);
            case -1 -> Result.retry("-1", msg);
            default -> Result.failed(String.valueOf(code), msg);
        };
    }

    @Override
    public int measure(AlertChannel channel, Outgoing message) {
        Doc doc = message.doc();
        return Formats.markdown(doc, ChannelKind.WECOM).getBytes(StandardCharsets.UTF_8).length;
    }
}
