package org.syncready.controller.netcheck;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.EchoPacket;

/**
 * The UDP echo service boxes measure RTT, jitter and loss against. It answers only packets signed
 * with a registered box's key (see {@link EchoPacket}), never with more bytes than it received, and
 * at most {@code perSourceRate} packets a second per source address (burst {@code perSourceBurst})
 * and {@code globalRate} overall: it cannot be used as an open reflector. Everything runs on one
 * thread of its own (blocking socket), never on a Vert.x event loop; a packet it cannot answer is
 * dropped and counted in {@code syncready_echo_packets_total{outcome}}.
 */
public final class EchoResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EchoResponder.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;
    private static final int MAX_WARN_SOURCES = 1024;

    /** Limits; see the class comment. */
    public record Limits(double perSourceRate, double perSourceBurst, double globalRate, int maxSources) {
        /** A school behind one NAT: 20 boxes bursting at once; a district: 10,000 boxes a minute. */
        public static final Limits DEFAULT = new Limits(100, 500, 20_000, 65_536);
    }

    private final DatagramSocket socket;
    private final Function<String, Optional<byte[]>> keys;
    private final ControllerMetrics metrics;
    private final SourceRateLimiter<InetAddress> limiter;
    /** When a source was last warned about, so a bad box logs once a minute, not per packet (bounded). */
    private final Map<InetAddress, Long> warned = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    private EchoResponder(DatagramSocket socket, Function<String, Optional<byte[]>> keys, ControllerMetrics metrics,
                          Limits limits) {
        this.socket = socket;
        this.keys = keys;
        this.metrics = metrics;
        this.limiter = new SourceRateLimiter<>(limits.perSourceRate(), limits.perSourceBurst(), limits.globalRate(),
                limits.globalRate(), limits.maxSources(), System.nanoTime());
        this.thread = new Thread(this::run, "echo-responder");
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code host:port} (0 picks a free port) and starts answering.
     *
     * @param keys the HMAC key of a registered box, empty for an unknown one
     */
    public static EchoResponder start(String host, int port, Function<String, Optional<byte[]>> keys,
                                      ControllerMetrics metrics, Limits limits) throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, port));
        EchoResponder responder = new EchoResponder(socket, keys, metrics, limits);
        responder.thread.start();
        log.info("UDP echo service listening on {}:{}", host, socket.getLocalPort());
        return responder;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void run() {
        byte[] buf = new byte[512];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
                handle(packet);
            } catch (IOException e) {
                if (!closed) {
                    log.warn("echo service receive failed: {}", e.toString());
                }
            } catch (RuntimeException e) {
                log.error("echo service: unexpected failure on one packet", e);
            }
        }
    }

    private void handle(DatagramPacket packet) throws IOException {
        long now = System.nanoTime();
        InetAddress source = packet.getAddress();
        // The limit comes first: checking a signature costs more than dropping.
        if (!limiter.tryAcquire(source, now)) {
            metrics.echo("rate_limited");
            return;
        }
        byte[] data = packet.getData();
        int len = packet.getLength();
        EchoPacket request;
        try {
            request = EchoPacket.decode(data, len);
        } catch (IllegalArgumentException e) {
            metrics.echo("malformed");
            warn(source, now, "malformed echo packet from {}: {}", e.getMessage());
            return;
        }
        if (request.type() != EchoPacket.REQUEST) {
            metrics.echo("malformed");
            return;
        }
        Optional<byte[]> key = keys.apply(request.boxId());
        if (key.isEmpty()) {
            metrics.echo("unknown_box");
            warn(source, now, "echo packet from {} for unknown box {}", request.boxId());
            return;
        }
        if (!EchoPacket.verify(data, len, key.get())) {
            metrics.echo("bad_signature");
            warn(source, now, "echo packet from {} with a bad signature for box {}", request.boxId());
            return;
        }
        byte[] reply = request.reply().encode(key.get());
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        metrics.echo("answered");
    }

    private void warn(InetAddress source, long now, String format, String detail) {
        Long last = warned.get(source);
        if (last != null && now - last < WARN_EVERY_NANOS) {
            return;
        }
        if (warned.size() >= MAX_WARN_SOURCES) {
            warned.clear();
        }
        warned.put(source, now);
        log.warn(format, source.getHostAddress(), detail);
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
