package org.syncready.controller.alert;

import java.util.Locale;

/**
 * Where a channel sends, with each platform's published limits: messages per minute (and per second)
 * per robot, and the largest message it takes. A channel may set a lower rate, never a higher one for
 * the robots (DingTalk blocks a robot for 10 minutes after its 21st message in a minute).
 */
public enum ChannelKind {
    /** DingTalk custom robot (自定义机器人): 20/min, then blocked 10 min (errcode 130101); body at most 20,000 bytes. */
    DINGTALK(20, 20, 0, 20_000),
    /** WeCom group robot (企业微信群机器人): 20/min; markdown content at most 4,096 bytes. */
    WECOM(20, 20, 0, 4_096),
    /** Feishu/Lark custom bot (自定义机器人): 100/min and 5/s; request body at most 20 KB. */
    FEISHU(100, 100, 5, 20_000),
    /**
     * A generic HTTPS endpoint of the bureau's own, signed with HMAC-SHA256 (docs/ALERTS.md); bodies
     * up to 60,000 bytes, so a receiver with the common 64 KiB request limit takes every digest.
     */
    WEBHOOK(120, 6_000, 0, 60_000),
    /** E-mail over SMTP (STARTTLS or SMTPS, with login). */
    EMAIL(30, 600, 0, 2_000_000);

    private final int defaultPerMinute;
    private final int maxPerMinute;
    private final int perSecond;
    private final int maxBytes;

    ChannelKind(int defaultPerMinute, int maxPerMinute, int perSecond, int maxBytes) {
        this.defaultPerMinute = defaultPerMinute;
        this.maxPerMinute = maxPerMinute;
        this.perSecond = perSecond;
        this.maxBytes = maxBytes;
    }

    /** The rate a new channel gets. */
    public int defaultPerMinute() {
        return defaultPerMinute;
    }

    /** The most a channel may be set to (the platform's limit for robots). */
    public int maxPerMinute() {
        return maxPerMinute;
    }

    /** A second limit per second (Feishu: 5/s); 0 when the platform has none. */
    public int perSecond() {
        return perSecond;
    }

    /** The largest message body (or, for WeCom, markdown content) the platform takes, in UTF-8 bytes. */
    public int maxBytes() {
        return maxBytes;
    }

    public boolean robot() {
        return this == DINGTALK || this == WECOM || this == FEISHU;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChannelKind of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
