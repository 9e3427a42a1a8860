package org.syncready.controller.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.controller.TestClock;

/**
 * Each sender against a local receiver that plays its platform: signatures as the platform checks
 * them, the platform's own answers for a wrong secret, an unknown robot, a message too long and too
 * many messages, and how each answer is classed (taken, wait, retry, refused).
 */
class RobotSendersTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-03-02T00:00:00Z"));
    private final HttpPost http = new HttpPost(new ObjectMapper().registerModule(new JavaTimeModule()));
    private final NoticeText text = new NoticeText(ZoneId.of("Asia/Shanghai"),
            new AlertLinks(() -> "https://syncready.example.cn", new AckTokens(new byte[32], clock)));

    private static AlertChannel channel(ChannelKind kind, String url, String secret) {
        return new AlertChannel("ch-1", "hexi", kind, "河西镇中心小学信息中心群", true, Language.ZH_EN, EnumSet.allOf(AlertTopic.class),
                AlertLevel.WARNING, kind.defaultPerMinute(), new AlertChannel.Target(url, secret, null), Instant.EPOCH, Instant.EPOCH);
    }

    private Sender.Outgoing message(long id) {
        Notice n = new Notice(id, AlertTopic.READINESS, "hexi", "河西镇中心小学", "Hexi Central Primary", "test", clock.instant(), List.of());
        return new Sender.Outgoing(id, text.render(n, Language.ZH_EN, "测试群"), List.of(n), false, true);
    }

    private Sender.Outgoing longMessage(int lines) {
        Doc.Builder b = new Doc.Builder("【SyncReady】长消息");
        for (int i = 0; i < lines; i++) {
            b.line(1).text("河西镇中心小学 三年级1班：麦克风无信号，请检查无线麦克风电池与接收器连接 " + i);
        }
        return new Sender.Outgoing(1, b.build(), List.of(), false, false);
    }

    @Test
    void dingTalkSignsAsTheRobotChecksAndTellsItsAnswersApart() throws Exception {
        try (PlatformReceiver robot = PlatformReceiver.dingTalk("SEC0123456789abcdef", clock)) {
            DingTalkRobot sender = new DingTalkRobot(http, clock);
            Sender.Result ok = sender.send(channel(ChannelKind.DINGTALK, robot.url(), "SEC0123456789abcdef"), message(1));
            assertEquals(DeliveryAttempt.Outcome.SENT, ok.outcome(), ok.toString());
            assertEquals("markdown", robot.taken().get(0).body().path("msgtype").asText());
            assertTrue(robot.taken().get(0).body().path("markdown").path("text").asText().contains("测试消息"));

            Sender.Result badSign = sender.send(channel(ChannelKind.DINGTALK, robot.url(), "SECwrong-secret"), message(2));
            assertEquals(DeliveryAttempt.Outcome.FAILED, badSign.outcome());
            assertEquals("310000", badSign.code());
            assertTrue(badSign.detail().contains("机器人发送签名不匹配"), badSign.detail());

            Sender.Result unknown = sender.send(channel(ChannelKind.DINGTALK, robot.url().replace("access_token=0", "access_token=9"),
                    "SEC0123456789abcdef"), message(3));
            assertEquals("300001", unknown.code());
            assertEquals(DeliveryAttempt.Outcome.FAILED, unknown.outcome());

            Sender.Result tooLong = sender.send(channel(ChannelKind.DINGTALK, robot.url(), "SEC0123456789abcdef"), longMessage(400));
            assertEquals("460101", tooLong.code());
        }
    }

    @Test
    void dingTalksTwentyFirstMessageInAMinuteIsThrottledForTenMinutes() throws Exception {
        try (PlatformReceiver robot = PlatformReceiver.dingTalk(null, clock)) {
            DingTalkRobot sender = new DingTalkRobot(http, clock);
            AlertChannel c = channel(ChannelKind.DINGTALK, robot.url(), null);
            for (int i = 0; i < 20; i++) {
                assertEquals(DeliveryAttempt.Outcome.SENT, sender.send(c, message(i)).outcome());
            }
            Sender.Result r = sender.send(c, message(21));
            assertEquals(DeliveryAttempt.Outcome.THROTTLED, r.outcome());
            assertEquals("130101", r.code());
            assertEquals("send too fast, exceed 20 times per minute", r.detail());
            assertEquals(Duration.ofMinutes(10), r.retryAfter());
            clock.advance(Duration.ofMinutes(5));
            assertEquals(DeliveryAttempt.Outcome.THROTTLED, sender.send(c, message(22)).outcome(), "still blocked 5 min later");
            clock.advance(Duration.ofMinutes(6));
            assertEquals(DeliveryAttempt.Outcome.SENT, sender.send(c, message(23)).outcome(), "the robot takes messages again");
        }
    }

    @Test
    void weComRefusesAWrongKeyAndMarkdownOver4096Bytes() throws Exception {
        try (PlatformReceiver robot = PlatformReceiver.weCom(clock)) {
            WeComRobot sender = new WeComRobot(http);
            assertEquals(DeliveryAttempt.Outcome.SENT, sender.send(channel(ChannelKind.WECOM, robot.url(), null), message(1)).outcome());
            Sender.Result wrong = sender.send(channel(ChannelKind.WECOM, robot.urlWithWrongToken(), null), message(2));
            assertEquals("93000", wrong.code());
            assertTrue(wrong.detail().startsWith("invalid webhook url"), wrong.detail());
            Sender.Result tooLong = sender.send(channel(ChannelKind.WECOM, robot.url(), null), longMessage(60));
            assertEquals("40058", tooLong.code());
            assertEquals(DeliveryAttempt.Outcome.FAILED, tooLong.outcome());
        }
    }

    @Test
    void feishuSignsInTheBodyWithTheKeyAndDataReversedFromDingTalk() throws Exception {
        try (PlatformReceiver bot = PlatformReceiver.feishu("feishu-secret-123", clock)) {
            FeishuBot sender = new FeishuBot(http, clock);
            Sender.Result ok = sender.send(channel(ChannelKind.FEISHU, bot.url(), "feishu-secret-123"), message(1));
            assertEquals(DeliveryAttempt.Outcome.SENT, ok.outcome(), ok.toString());
            assertEquals("post", bot.taken().get(0).body().path("msg_type").asText());
            Sender.Result bad = sender.send(channel(ChannelKind.FEISHU, bot.url(), "another-secret"), message(2));
            assertEquals("19021", bad.code());
            assertEquals(DeliveryAttempt.Outcome.FAILED, bad.outcome());
            // Five a second: the sixth within the same second is "too many request" (HTTP 400), a wait, not a refusal.
            for (int i = 0; i < 4; i++) {
                assertEquals(DeliveryAttempt.Outcome.SENT, sender.send(channel(ChannelKind.FEISHU, bot.url(), "feishu-secret-123"), message(3 + i)).outcome());
            }
            Sender.Result fast = sender.send(channel(ChannelKind.FEISHU, bot.url(), "feishu-secret-123"), message(9));
            assertEquals(DeliveryAttempt.Outcome.THROTTLED, fast.outcome());
            assertEquals("9499", fast.code());
        }
    }

    @Test
    void webhookIsSignedAndAnUnreachableOneIsANetworkRetryNotARefusal() throws Exception {
        String secret = "webhook-secret-0123456789";
        try (PlatformReceiver hook = PlatformReceiver.webhook(secret, clock)) {
            SignedWebhook sender = new SignedWebhook(http, clock);
            assertEquals(DeliveryAttempt.Outcome.SENT, sender.send(channel(ChannelKind.WEBHOOK, hook.url(), secret), message(7)).outcome());
            PlatformReceiver.Hit hit = hook.taken().get(0);
            assertEquals("7", hit.headers().get("x-syncready-delivery"));
            assertEquals("test", hit.body().path("type").asText());
            Sender.Result bad = sender.send(channel(ChannelKind.WEBHOOK, hook.url(), "some-other-secret-xyz"), message(8));
            assertEquals(DeliveryAttempt.Outcome.FAILED, bad.outcome());
            assertEquals("HTTP 401", bad.code());
            hook.stop();
            Sender.Result down = sender.send(channel(ChannelKind.WEBHOOK, hook.url(), secret), message(9));
            assertEquals(DeliveryAttempt.Outcome.RETRY, down.outcome());
            assertNull(down.code(), "no platform code: the network failed");
            hook.restart();
        }
    }

    @Test
    void secretsNeverShowInMaskedChannelsOrErrorTexts() {
        AlertChannel c = channel(ChannelKind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=" + PlatformReceiver.TOKEN, "SECabc");
        AlertChannel m = c.masked();
        assertEquals("https://oapi.dingtalk.com/robot/send?access_token=***", m.target().url());
        assertEquals("***", m.target().secret());
        assertEquals("https://open.feishu.cn/open-apis/bot/v2/hook/***",
                SecretText.maskUrl("https://open.feishu.cn/open-apis/bot/v2/hook/0f2a0000-aaaa-bbbb-cccc-123456789012"));
        String scrubbed = SecretText.scrub("connect to " + c.target().url() + " failed", c.target().url());
        assertTrue(!scrubbed.contains(PlatformReceiver.TOKEN), scrubbed);
    }
}
