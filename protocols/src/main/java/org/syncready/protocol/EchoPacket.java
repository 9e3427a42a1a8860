package org.syncready.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One packet of the UDP echo service (see PROTOCOL.md, "Network check"). Big-endian:
 * <pre>
 *  0   4  magic "SREC"
 *  4   1  version (1)
 *  5   1  type: 1 request (box → controller), 2 reply (controller → box)
 *  6   1  boxId length n (1..64)
 *  7   n  boxId (ASCII)
 *  7+n 4  seq: packet number within the burst
 * 11+n 8  nonce: random per burst
 * 19+n 8  sent: the box's monotonic clock in ns (opaque to the controller)
 * 27+n 32 HMAC-SHA256 over bytes 0 .. 27+n, keyed with SHA-256(UTF-8 box secret)
 * </pre>
 * The key is what the controller stores for the box anyway (it keeps only SHA-256 of secrets), so
 * both sides can compute it and the secret never travels. A reply is exactly as long as its request:
 * the service amplifies nothing.
 */
public record EchoPacket(int type, String boxId, int seq, long nonce, long sentNanos) {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    /** The largest packet: a 64-character box id. */
    public static final int MAX_SIZE = 27 + 64 + 32;
    private static final byte[] MAGIC = {'S', 'R', 'E', 'C'};
    private static final int VERSION = 1;
    private static final int MAC_SIZE = 32;
    private static final Pattern BOX_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public EchoPacket {
        if (type != REQUEST && type != REPLY) {
            throw new IllegalArgumentException("type must be 1 or 2");
        }
        if (boxId == null || !BOX_ID.matcher(boxId).matches()) {
            throw new IllegalArgumentException("boxId must match [A-Za-z0-9_-]{1,64}");
        }
    }

    /** The HMAC key both sides derive from the box secret. */
    public static byte[] key(String boxSecret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(boxSecret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The packet, signed with {@code key}. */
    public byte[] encode(byte[] key) {
        byte[] id = boxId.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(27 + id.length + MAC_SIZE);
        b.put(MAGIC).put((byte) VERSION).put((byte) type).put((byte) id.length).put(id)
                .putInt(seq).putLong(nonce).putLong(sentNanos);
        b.put(mac(key, b.array(), b.position()));
        return b.array();
    }

    /** The reply to this request: same fields, type reply, signed again. */
    public EchoPacket reply() {
        return new EchoPacket(REPLY, boxId, seq, nonce, sentNanos);
    }

    /**
     * Reads a packet's fields without checking its signature (the key depends on the box id read
     * here); call {@link #verify} next.
     *
     * @throws IllegalArgumentException naming what is wrong: too short, wrong magic/version/type, bad box id, wrong length
     */
    public static EchoPacket decode(byte[] buf, int len) {
        if (len < 27 + 1 + MAC_SIZE || len > MAX_SIZE) {
            throw new IllegalArgumentException("length " + len + " outside " + (28 + MAC_SIZE) + ".." + MAX_SIZE);
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (buf[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not an echo packet (magic)");
            }
        }
        if (buf[4] != VERSION) {
            throw new IllegalArgumentException("unknown version " + buf[4]);
        }
        int n = buf[6] & 0xff;
        if (len != 27 + n + MAC_SIZE) {
            throw new IllegalArgumentException("length " + len + " does not match box id length " + n);
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 7 + n, 20);
        return new EchoPacket(buf[5], new String(buf, 7, n, StandardCharsets.US_ASCII), b.getInt(), b.getLong(), b.getLong());
    }

    /** Whether {@code buf[0..len)} carries a valid signature under {@code key} (constant time). */
    public static boolean verify(byte[] buf, int len, byte[] key) {
        if (len <= MAC_SIZE) {
            return false;
        }
        byte[] expected = mac(key, buf, len - MAC_SIZE);
        byte[] actual = new byte[MAC_SIZE];
        System.arraycopy(buf, len - MAC_SIZE, actual, 0, MAC_SIZE);
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] mac(byte[] key, byte[] data, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, 0, len);
            return mac.doFinal();
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable echo key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
