package org.syncready.agent.netcheck;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * A user-space stand-in for netem (the kernel here has none): a UDP relay between one client and an
 * upstream that delays each packet by {@code delayMs(n)} and drops those where {@code drop(n)}, n
 * counting client → upstream packets from 0. Replies come back without further faults, so the
 * injected delay is the one-way delay and a drop is one lost request.
 */
final class UdpFaultProxy implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress upstream;
    private final LongUnaryOperator delayMs;
    private final LongPredicate drop;
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong forwarded = new AtomicLong();
    private final Thread thread;
    private volatile SocketAddress client;

    UdpFaultProxy(InetSocketAddress upstream, LongUnaryOperator delayMs, LongPredicate drop) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.upstream = upstream;
        this.delayMs = delayMs;
        this.drop = drop;
        this.thread = new Thread(this::run, "udp-fault-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    private void run() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] data = Arrays.copyOf(p.getData(), p.getLength());
            if (p.getSocketAddress().equals(upstream)) {
                send(data, client);
                continue;
            }
            client = p.getSocketAddress();
            long n = forwarded.getAndIncrement();
            if (drop.test(n)) {
                continue;
            }
            long delay = delayMs.applyAsLong(n);
            if (delay <= 0) {
                send(data, upstream);
            } else {
                delayer.schedule(() -> send(data, upstream), delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void send(byte[] data, SocketAddress to) {
        if (to == null) {
            return;
        }
        try {
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            // Closed while a delayed packet was pending: it is lost, like on a real link.
        }
    }

    @Override
    public void close() {
        socket.close();
        delayer.shutdownNow();
    }
}
