package org.syncready.agent.netcheck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.syncready.protocol.EchoPacket;

/**
 * Sends {@code count} signed echo requests {@code spacingMs} apart to the controller's echo service
 * and collects the replies on the same thread (one non-blocking channel and a selector), then waits
 * {@code graceMs} for stragglers. RTT comes from the send time carried in the packet itself, so a
 * late reply is measured right; a reply from another burst (other nonce), a duplicate or one that
 * fails its signature is ignored. Jitter follows RFC 3550 §6.4.1 (J += (|D| − J) / 16), with D the
 * change of RTT between consecutive replies in arrival order.
 */
public final class EchoBurst {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boxId;
    private final byte[] key;

    /** @param key {@link EchoPacket#key} of the box secret */
    public EchoBurst(String boxId, byte[] key) {
        this.boxId = boxId;
        this.key = key.clone();
    }

    public EchoResult run(InetSocketAddress target, int count, int spacingMs, int graceMs) throws IOException {
        if (target.isUnresolved()) {
            throw new IOException("unknown host " + target.getHostString());
        }
        long nonce = RANDOM.nextLong();
        BitSet seen = new BitSet(count);
        List<Double> rtts = new ArrayList<>();
        Double jitter = null;
        Double prev = null;
        try (DatagramChannel ch = DatagramChannel.open(); Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            ch.connect(target);
            ch.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(EchoPacket.MAX_SIZE + 1);
            long spacing = TimeUnit.MILLISECONDS.toNanos(spacingMs);
            long start = System.nanoTime();
            int sent = 0;
            long end = Long.MAX_VALUE;
            while (true) {
                long now = System.nanoTime();
                if (sent < count && now >= start + sent * spacing) {
                    byte[] req = new EchoPacket(EchoPacket.REQUEST, boxId, sent, nonce, now).encode(key);
                    try {
                        ch.write(ByteBuffer.wrap(req));
                    } catch (IOException e) {
                        // ICMP unreachable from an earlier packet surfaces here: that packet is lost, keep going.
                    }
                    sent++;
                    if (sent == count) {
                        end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
                    }
                    continue;
                }
                long until = sent < count ? start + sent * spacing : end;
                long waitMs = TimeUnit.NANOSECONDS.toMillis(until - now);
                if (sent == count && (now >= end || seen.cardinality() == count)) {
                    break;
                }
                if (waitMs > 0) {
                    selector.select(waitMs);
                } else {
                    selector.selectNow();
                }
                selector.selectedKeys().clear();
                while (true) {
                    in.clear();
                    int n;
                    try {
                        n = ch.read(in);
                    } catch (IOException e) {
                        break;
                    }
                    if (n <= 0) {
                        break;
                    }
                    long arrived = System.nanoTime();
                    EchoPacket reply;
                    try {
                        reply = EchoPacket.decode(in.array(), n);
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    if (reply.type() != EchoPacket.REPLY || reply.nonce() != nonce || !reply.boxId().equals(boxId)
                            || reply.seq() < 0 || reply.seq() >= count || seen.get(reply.seq())
                            || !EchoPacket.verify(in.array(), n, key)) {
                        continue;
                    }
                    seen.set(reply.seq());
                    double rtt = (arrived - reply.sentNanos()) / 1e6;
                    rtts.add(rtt);
                    if (prev != null) {
                        double d = Math.abs(rtt - prev);
                        jitter = jitter == null ? d : jitter + (d - jitter) / 16;
                    }
                    prev = rtt;
                }
            }
        }
        rtts.sort(null);
        Double median = rtts.isEmpty() ? null : round2(rtts.size() % 2 == 1 ? rtts.get(rtts.size() / 2)
                : (rtts.get(rtts.size() / 2 - 1) + rtts.get(rtts.size() / 2)) / 2);
        double loss = 100.0 * (count - rtts.size()) / count;
        return new EchoResult(count, rtts.size(), median, jitter == null ? null : round2(jitter), round2(loss));
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
