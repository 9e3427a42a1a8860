package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EchoPacketTest {
    private final byte[] key = EchoPacket.key("s3cret");

    @Test
    void keyIsSha256OfTheSecretAsTheRegistryStoresIt() {
        assertEquals(32, key.length);
        // sha256("abc"), the FIPS 180-2 test vector.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(EchoPacket.key("abc")));
    }

    @Test
    void roundTripsAndVerifies() {
        EchoPacket p = new EchoPacket(EchoPacket.REQUEST, "box-01", 7, 0x1122334455667788L, 123456789L);
        byte[] wire = p.encode(key);
        assertEquals(27 + 6 + 32, wire.length);
        assertEquals(p, EchoPacket.decode(wire, wire.length));
        assertTrue(EchoPacket.verify(wire, wire.length, key));
        byte[] reply = p.reply().encode(key);
        assertEquals(wire.length, reply.length, "a reply is never larger than its request");
        assertEquals(EchoPacket.REPLY, EchoPacket.decode(reply, reply.length).type());
    }

    @Test
    void wrongKeyOrAnyFlippedBitFailsVerification() {
        byte[] wire = new EchoPacket(EchoPacket.REQUEST, "box-01", 1, 2, 3).encode(key);
        assertFalse(EchoPacket.verify(wire, wire.length, EchoPacket.key("other")));
        for (int i = 0; i < wire.length; i++) {
            byte[] bad = Arrays.copyOf(wire, wire.length);
            bad[i] ^= 0x01;
            assertFalse(EchoPacket.verify(bad, bad.length, key), "bit flipped at " + i);
        }
    }

    @Test
    void malformedPacketsAreRefusedWithAReason() {
        byte[] wire = new EchoPacket(EchoPacket.REQUEST, "box-01", 1, 2, 3).encode(key);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(wire, 10)).getMessage().startsWith("length 10"));
        byte[] magic = wire.clone();
        magic[0] = 'X';
        assertEquals("not an echo packet (magic)", assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(magic, magic.length)).getMessage());
        byte[] version = wire.clone();
        version[4] = 9;
        assertEquals("unknown version 9", assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(version, version.length)).getMessage());
        byte[] type = wire.clone();
        type[5] = 3;
        assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(type, type.length));
        byte[] idLen = wire.clone();
        idLen[6] = 7;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(idLen, idLen.length)).getMessage().contains("box id length"));
        byte[] id = wire.clone();
        id[7] = '/';
        assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(id, id.length));
        assertThrows(IllegalArgumentException.class, () -> EchoPacket.decode(new byte[200], 200));
    }

    @Test
    void encodingIsStable() {
        byte[] wire = new EchoPacket(EchoPacket.REQUEST, "b", 1, 2, 3).encode(new byte[32]);
        assertArrayEquals(new byte[]{'S', 'R', 'E', 'C', 1, 1, 1, 'b', 0, 0, 0, 1}, Arrays.copyOf(wire, 12));
    }
}
