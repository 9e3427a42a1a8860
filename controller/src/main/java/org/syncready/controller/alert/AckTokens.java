package org.syncready.controller.alert;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The acknowledge links in messages: {@code base64url(noticeId, expiry) "." base64url(HMAC-SHA256)}
 * under a key only the controller holds, so a link names one notice, cannot be changed into
 * another, and stops working after {@link #LIFETIME}.
 */
public final class AckTokens {
    /** Long enough for the morning it was sent in, and the evening before. */
    public static final Duration LIFETIME = Duration.ofHours(24);

    private final byte[] key;
    private final Clock clock;

    /** With the key in {@code keysDir/alert-links.key}, created (owner-only) on first start. */
    public static AckTokens loadOrCreate(java.nio.file.Path keysDir, Clock clock) throws java.io.IOException {
        return new AckTokens(KeyFile.loadOrCreate(keysDir.resolve("alert-links.key"), 32), clock);
    }

    public AckTokens(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    /** What a checked token names. */
    public record Claim(long noticeId, Instant expires) {
    }

    String issue(long noticeId) {
        Instant expires = clock.instant().plus(LIFETIME);
        byte[] payload = ByteBuffer.allocate(16).putLong(noticeId).putLong(expires.getEpochSecond()).array();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(mac(payload));
    }

    /** The notice a token names, if its signature holds; expired ones too (the caller says "expired"). */
    public Optional<Claim> check(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || token.length() > 200) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (payload.length != 16 || !MessageDigest.isEqual(sig, mac(payload))) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.wrap(payload);
            return Optional.of(new Claim(b.getLong(), Instant.ofEpochSecond(b.getLong())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public boolean expired(Claim claim) {
        return clock.instant().isAfter(claim.expires());
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update("syncready-ack-v1".getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
