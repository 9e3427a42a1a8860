package org.syncready.agent.netcheck;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.syncready.protocol.EchoPacket;

/**
 * The echo service's behaviour as PROTOCOL.md specifies it (verify, answer a signed reply of the same
 * size), for agent tests that cannot depend on the controller module; the controller's own
 * EchoResponder is tested against the same packet format in its module and end to end.
 */
final class TestEchoServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final byte[] verifyKey;
    private final byte[] replyKey;

    TestEchoServer(byte[] key) throws IOException {
        this(key, key);
    }

    /** {@code replyKey} other than {@code verifyKey}: an impostor whose replies the box must ignore. */
    TestEchoServer(byte[] verifyKey, byte[] replyKey) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.verifyKey = verifyKey;
        this.replyKey = replyKey;
        Thread t = new Thread(this::run, "test-echo");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    private void run() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                EchoPacket req = EchoPacket.decode(p.getData(), p.getLength());
                if (EchoPacket.verify(p.getData(), p.getLength(), verifyKey)) {
                    byte[] reply = req.reply().encode(replyKey);
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException | IllegalArgumentException e) {
                // Closed, or a packet that is no echo request: nothing to answer.
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
