package org.syncready.agent.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.syncready.protocol.EchoPacket;

/**
 * RTT, jitter and loss measured through a user-space fault proxy. Only bounds the injected faults
 * guarantee are asserted (RTT at least the added delay, exact loss for a fixed drop pattern).
 */
class EchoBurstTest {
    private final byte[] key = EchoPacket.key("secret-1");
    private final EchoBurst burst = new EchoBurst("box-1", key);
    private TestEchoServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void cleanPathHasEveryReplyAndNoLoss() throws Exception {
        server = new TestEchoServer(key);
        EchoResult r = burst.run(server.address(), 20, 5, 500);
        assertEquals(20, r.sent());
        assertEquals(20, r.received());
        assertEquals(0.0, r.lossPct());
        assertTrue(r.rttMs() > 0 && r.rttMs() < 1000, "rtt " + r.rttMs());
        assertTrue(r.jitterMs() != null && r.jitterMs() >= 0);
    }

    @Test
    void addedDelayShowsInTheRtt() throws Exception {
        server = new TestEchoServer(key);
        try (UdpFaultProxy proxy = new UdpFaultProxy(server.address(), n -> 60, n -> false)) {
            EchoResult r = burst.run(proxy.address(), 10, 10, 2000);
            assertEquals(10, r.received());
            assertTrue(r.rttMs() >= 60, "rtt " + r.rttMs() + " below the injected 60 ms");
        }
    }

    @Test
    void droppedRequestsAreCountedAsLoss() throws Exception {
        server = new TestEchoServer(key);
        try (UdpFaultProxy proxy = new UdpFaultProxy(server.address(), n -> 0, n -> n % 4 == 0)) {
            EchoResult r = burst.run(proxy.address(), 40, 5, 500);
            assertEquals(30, r.received());
            assertEquals(25.0, r.lossPct());
        }
    }

    @Test
    void alternatingDelayShowsAsJitter() throws Exception {
        server = new TestEchoServer(key);
        try (UdpFaultProxy proxy = new UdpFaultProxy(server.address(), n -> n % 2 == 0 ? 5 : 65, n -> false)) {
            EchoResult r = burst.run(proxy.address(), 40, 10, 1000);
            assertEquals(40, r.received());
            // Consecutive RTTs differ by about 60 ms; RFC 3550's estimator approaches that from below.
            assertTrue(r.jitterMs() > 20, "jitter " + r.jitterMs());
        }
    }

    @Test
    void repliesSignedWithAnotherKeyAreIgnored() throws Exception {
        server = new TestEchoServer(key, EchoPacket.key("impostor"));
        EchoResult r = burst.run(server.address(), 5, 5, 300);
        assertEquals(0, r.received());
        assertEquals(100.0, r.lossPct());
        assertNull(r.rttMs());
        assertNull(r.jitterMs());
    }

    @Test
    void nobodyListeningIsFullLossNotAnError() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        EchoResult r = burst.run(new InetSocketAddress("127.0.0.1", port), 5, 5, 200);
        assertEquals(100.0, r.lossPct());
    }

    @Test
    void unknownHostIsAnError() {
        assertThrows(IOException.class, () -> burst.run(InetSocketAddress.createUnresolved("no-such-host.invalid", 7947), 5, 5, 100));
    }
}
