package org.syncready.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Hashing and Ed25519 signing of {@code config/desired} documents (PROTOCOL.md section 4.4), shared by
 * the controller that signs and the agent that verifies, so both compute the same bytes.
 *
 * <p>Public keys travel as the 32 raw Ed25519 bytes in base64 (44 characters), the form a box written
 * in C gets from libsodium or OpenSSL as easily as Java does.
 */
public final class ConfigSigning {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410), followed by the 32 raw bytes. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private ConfigSigning() {
    }

    /** RFC 8785 canonical JSON of {@code body}, UTF-8. */
    public static byte[] canonical(JsonNode body) {
        try {
            return new JsonCanonicalizer(JSON.writeValueAsString(body)).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot canonicalize: " + e.getMessage(), e);
        }
    }

    /** Lower-case hex SHA-256 of the canonical JSON of {@code body}. */
    public static String sha256(JsonNode body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical(body)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /** The five lines that are signed, joined by LF, without a final newline. */
    public static byte[] signingInput(String boxId, long version, String profile, String sha256) {
        return String.join("\n", List.of("syncready/v1/config", boxId, Long.toString(version), profile, sha256))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Base64 Ed25519 signature of the signing input. */
    public static String sign(PrivateKey key, String boxId, long version, String profile, String sha256) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signingInput(boxId, version, profile, sha256));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /** Whether {@code doc.sig} verifies with any of {@code keys} (several during a key rotation). */
    public static boolean verify(ConfigDesired doc, List<PublicKey> keys) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(doc.sig());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] input = signingInput(doc.boxId(), doc.version(), doc.profile(), doc.sha256());
        for (PublicKey key : keys) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(input);
                if (s.verify(sig)) {
                    return true;
                }
            } catch (SignatureException e) {
                // A corrupted signature may not even decode to a curve point: it does not verify.
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 verification unavailable: " + e.getMessage(), e);
            }
        }
        return false;
    }

    /** The 32 raw bytes of an Ed25519 public key, base64. */
    public static String encodePublicKey(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki.length != SPKI_PREFIX.length + 32 || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length));
    }

    /** Reads a public key written by {@link #encodePublicKey}; a clear message when it is not one. */
    public static PublicKey decodePublicKey(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + e.getMessage());
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes (44 base64 characters), this is " + raw.length);
        }
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
        }
    }

    /** A short id of a public key (first 8 hex digits of the SHA-256 of its raw bytes), for logs and key rotation. */
    public static String keyId(PublicKey key) {
        try {
            byte[] raw = Base64.getDecoder().decode(encodePublicKey(key));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
