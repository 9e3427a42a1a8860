package org.syncready.controller.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.EchoPacket;

class EchoResponderTest {
    private final byte[] key = EchoPacket.key("box-secret");
    private final ControllerMetrics metrics = new ControllerMetrics();
    private EchoResponder responder;
    private DatagramSocket client;

    @BeforeEach
    void start() throws Exception {
        responder = EchoResponder.start("127.0.0.1", 0, id -> Optional.ofNullable(Map.of("box-1", key).get(id)), metrics,
                new EchoResponder.Limits(1, 20, 1000, 100));
        client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        client.setSoTimeout(300);
    }

    @AfterEach
    void stop() {
        client.close();
        responder.close();
    }

    @Test
    void answersASignedRequestWithASignedReplyOfTheSameSize() throws Exception {
        byte[] req = new EchoPacket(EchoPacket.REQUEST, "box-1", 3, 42, 777).encode(key);
        send(req);
        DatagramPacket reply = receive();
        EchoPacket p = EchoPacket.decode(reply.getData(), reply.getLength());
        assertEquals(new EchoPacket(EchoPacket.REPLY, "box-1", 3, 42, 777), p);
        assertEquals(req.length, reply.getLength());
        assertTrue(EchoPacket.verify(reply.getData(), reply.getLength(), key));
        // The responder counts after its send returns, so the reply can arrive first.
        await().atMost(Duration.ofSeconds(5)).until(() ->
                metrics.count("syncready.echo.packets", "outcome", "answered") == 1.0);
    }

    @Test
    void dropsWrongSignatureUnknownBoxMalformedAndReplies() throws Exception {
        send(new EchoPacket(EchoPacket.REQUEST, "box-1", 1, 1, 1).encode(EchoPacket.key("guess")));
        send(new EchoPacket(EchoPacket.REQUEST, "box-9", 1, 1, 1).encode(key));
        send("hello, are you an open reflector?".getBytes());
        send(new EchoPacket(EchoPacket.REPLY, "box-1", 1, 1, 1).encode(key));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                metrics.count("syncready.echo.packets", "outcome", "bad_signature") == 1
                        && metrics.count("syncready.echo.packets", "outcome", "unknown_box") == 1
                        && metrics.count("syncready.echo.packets", "outcome", "malformed") == 2);
        assertThrows(SocketTimeoutException.class, this::receive, "nothing answered");
        assertEquals(0.0, metrics.count("syncready.echo.packets", "outcome", "answered"));
    }

    @Test
    void aSourceOverItsBurstIsNotAnswered() throws Exception {
        for (int i = 0; i < 40; i++) {
            send(new EchoPacket(EchoPacket.REQUEST, "box-1", i, 5, i).encode(key));
        }
        int answered = 0;
        try {
            while (true) {
                receive();
                answered++;
            }
        } catch (SocketTimeoutException e) {
            // All that will come has come.
        }
        // Burst 20 plus at most a token or two refilled at 1/s while sending.
        assertTrue(answered >= 20 && answered <= 22, "answered " + answered);
        assertTrue(metrics.count("syncready.echo.packets", "outcome", "rate_limited") >= 18);
    }

    private void send(byte[] data) throws Exception {
        client.send(new DatagramPacket(data, data.length, new InetSocketAddress("127.0.0.1", responder.port())));
    }

    private DatagramPacket receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[512], 512);
        client.receive(p);
        return p;
    }
}
