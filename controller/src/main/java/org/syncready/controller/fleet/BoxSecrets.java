package org.syncready.controller.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Box secrets are 256 random bits. Unlike a person's password they cannot be guessed, so a fast
 * SHA-256 is the right way to store them (a slow password hash would only slow down every CONNECT
 * of 10,000 boxes).
 */
public final class BoxSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BoxSecrets() {
    }

    /** 256 random bits, URL-safe base64: for box secrets and the controller's own broker login. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(byte[] secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String hash(String secret) {
        return hash(secret.getBytes(StandardCharsets.UTF_8));
    }

    static boolean matches(byte[] secret, String storedHash) {
        return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
