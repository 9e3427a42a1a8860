package org.syncready.controller.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One place alerts go: a school's channel ({@code schoolId} set) or a bureau channel ({@code schoolId}
 * null), of one {@link ChannelKind}, with the topics and minimum level it receives, its language and
 * its pace. {@link Target} holds the secrets (robot URLs carry their access token); it is sealed at
 * rest and masked in every answer ({@link #masked()}).
 */
public record AlertChannel(String id, String schoolId, ChannelKind kind, String name, boolean enabled, Language language,
                           Set<AlertTopic> topics, AlertLevel minLevel, int perMinute, Target target,
                           Instant createdAt, Instant updatedAt) {

    public AlertChannel {
        topics = Set.copyOf(topics);
    }

    /** Secrets and addresses. {@code url} for robots and webhooks, {@code smtp} for e-mail. */
    public record Target(String url, String secret, Smtp smtp) {
    }

    /**
     * An SMTP server and the message's addresses.
     *
     * @param trustedCertificatePem when set, the one certificate trusted for TLS (an internal relay with
     *                              its own certificate); otherwise the JDK's trusted CAs and a host name check
     */
    public record Smtp(String host, int port, SmtpSecurity security, String username, String password, String from,
                       List<String> to, String trustedCertificatePem) {
        public Smtp {
            to = List.copyOf(to);
        }
    }

    /** How the SMTP connection is protected. */
    public enum SmtpSecurity {
        /** Plain connection upgraded with STARTTLS, which is required (never silently sent in clear). */
        STARTTLS,
        /** TLS from the first byte (SMTPS, usually port 465). */
        SMTPS,
        /** No TLS: only to a loopback relay, or an intranet relay without login. */
        NONE
    }

    public boolean bureau() {
        return schoolId == null;
    }

    /** True when the channel takes this topic at this level. */
    public boolean takes(AlertTopic topic, AlertLevel level) {
        return enabled && topics.contains(topic) && level.atLeast(minLevel);
    }

    /**
     * Identifies the robot, endpoint or mailbox behind the channel (a hash: the URL is a secret). Two
     * channels pointing at the same robot share its pace and its queue.
     */
    public String endpoint() {
        String raw = kind == ChannelKind.EMAIL && target.smtp() != null
                ? target.smtp().host() + ":" + target.smtp().port() + "|" + target.smtp().from() + "|" + target.smtp().to()
                : target.url();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((kind + "|" + raw).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The same channel as shown in answers: the URL's token and every password and secret masked. */
    public AlertChannel masked() {
        Smtp smtp = target.smtp() == null ? null : new Smtp(target.smtp().host(), target.smtp().port(), target.smtp().security(),
                target.smtp().username(), target.smtp().password() == null ? null : SecretText.MASK, target.smtp().from(),
                target.smtp().to(), target.smtp().trustedCertificatePem());
        return new AlertChannel(id, schoolId, kind, name, enabled, language, topics, minLevel, perMinute,
                new Target(SecretText.maskUrl(target.url()), target.secret() == null ? null : SecretText.MASK, smtp),
                createdAt, updatedAt);
    }
}
