package org.syncready.agent.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NtpOffsetTest {
    @Test
    void measuresTheBoxClockMinusServerTime() throws Exception {
        try (TestNtpServer ahead = new TestNtpServer(5_000, 2); TestNtpServer behind = new TestNtpServer(-2_500, 2)) {
            // A server 5 s ahead means the box is 5 s behind: ntpOffsetMs -5000.
            assertEquals(-5_000, new NtpOffset("127.0.0.1", ahead.port(), Duration.ofSeconds(2)).measureMs(), 100);
            assertEquals(2_500, new NtpOffset("127.0.0.1", behind.port(), Duration.ofSeconds(2)).measureMs(), 100);
        }
    }

    @Test
    void anUnsynchronisedServerIsNotBelieved() throws Exception {
        try (TestNtpServer server = new TestNtpServer(60_000, 0)) {
            IOException e = assertThrows(IOException.class,
                    () -> new NtpOffset("127.0.0.1", server.port(), Duration.ofSeconds(2)).measureMs());
            assertTrue(e.getMessage().contains("not synchronised"), e.getMessage());
        }
    }

    @Test
    void noAnswerIsATimeout() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        assertThrows(IOException.class, () -> new NtpOffset("127.0.0.1", port, Duration.ofMillis(300)).measureMs());
    }
}
