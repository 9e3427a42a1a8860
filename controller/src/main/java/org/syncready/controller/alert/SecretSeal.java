package org.syncready.controller.alert;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals channel secrets (robot URLs with their token, signing secrets, SMTP passwords) before they
 * reach the database: AES-256-GCM under {@code <data>/keys/alert-secrets.key} (owner-only). A copy of
 * the database alone then gives nobody the bureau's robots. {@code v1:} prefixes the format.
 */
public final class SecretSeal {
    private static final String PREFIX = "v1:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    /** With the key in {@code keysDir/alert-secrets.key}, created (owner-only) on first start. */
    public static SecretSeal loadOrCreate(java.nio.file.Path keysDir) throws java.io.IOException {
        return new SecretSeal(KeyFile.loadOrCreate(keysDir.resolve("alert-secrets.key"), 32));
    }

    public SecretSeal(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an AES-256 key is 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    String seal(String plain) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The plain text; an {@link IllegalStateException} when the key is not the one it was sealed with. */
    String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a channel secret cannot be opened with keys/alert-secrets.key (was the key replaced?)", e);
        }
    }
}
