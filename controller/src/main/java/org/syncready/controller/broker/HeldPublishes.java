package org.syncready.controller.broker;

import com.hivemq.extension.sdk.api.async.Async;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Box publishes taken by in-broker ingest whose PUBACK waits for their commit. The publish is taken
 * at once ({@link #taken}) and its PUBACK, when HiveMQ is about to send it, is held until then
 * ({@link #onPuback}): so a box's publishes reach the store several at a time, while holding the
 * publish itself would let only one of them in at a time (HiveMQ runs a client's extension calls in
 * order, and a held one stops the rest).
 *
 * <p>A publish not committed within {@code limitMs} (the store has been failing that long) gets its
 * connection closed instead: a PUBACK with an error code would make the box drop the report (the
 * agent treats a refusal as final), while a closed connection makes it send the report again after
 * it reconnects, and the store drops the copy if the first one was committed after all. A PUBACK held
 * past HiveMQ's own limit would go out as it is; the connection is closed long before that, so it
 * never reaches the box.
 *
 * <p>Bounds: a box has at most the broker's Receive Maximum of publishes unacknowledged, and ingest
 * waits when the store writer's queue is full, so what is held here is bounded by both.
 */
final class HeldPublishes {
    private static final Logger log = LoggerFactory.getLogger(HeldPublishes.class);

    /** An abandoned publish that never commits is forgotten after this many limits. */
    private static final int FORGET_AFTER_LIMITS = 10;

    private record Key(String clientId, int packetId) {
    }

    /** One taken publish. Its fields are guarded by itself. */
    private static final class Pending {
        private final Key key;
        private final long takenAt;
        private boolean committed;
        private boolean abandoned;
        private Async<?> puback;

        private Pending(Key key, long takenAt) {
            this.key = key;
            this.takenAt = takenAt;
        }
    }

    private final Map<Key, Pending> byPacket = new ConcurrentHashMap<>();
    /** In the order taken, which is about the order of commits: the oldest at the head. */
    private final ConcurrentLinkedQueue<Pending> inOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong releasedCount = new AtomicLong();
    private final AtomicLong abandonedCount = new AtomicLong();
    private final long limitMs;
    private final LongSupplier clock;

    HeldPublishes(long limitMs, LongSupplier clock) {
        this.limitMs = limitMs;
        this.clock = clock;
    }

    /**
     * Ingest took publish {@code packetId} of {@code clientId}; the returned action, run once it is
     * committed, lets its PUBACK go.
     */
    Runnable taken(String clientId, int packetId) {
        Key key = new Key(clientId, packetId);
        Pending p = new Pending(key, clock.getAsLong());
        // A packet id is used again only after its PUBACK: an entry left under it belonged to a connection
        // that closed before the PUBACK went out.
        byPacket.put(key, p);
        inOrder.add(p);
        waiting.incrementAndGet();
        return () -> committed(p);
    }

    /**
     * HiveMQ is about to send the PUBACK for {@code packetId} of {@code clientId}: returns at once when
     * it may go (committed, or not a publish taken here); otherwise calls {@code hold} (the PUBACK
     * interceptor's async output) and resumes it at the commit.
     */
    void onPuback(String clientId, int packetId, Supplier<Async<?>> hold) {
        Pending p = byPacket.remove(new Key(clientId, packetId));
        if (p == null) {
            return;
        }
        synchronized (p) {
            if (!p.committed) {
                p.puback = hold.get();
            }
        }
    }

    private void committed(Pending p) {
        Async<?> puback;
        boolean abandoned;
        synchronized (p) {
            if (p.committed) {
                return;
            }
            p.committed = true;
            puback = p.puback;
            abandoned = p.abandoned;
        }
        waiting.decrementAndGet();
        if (!abandoned) {
            releasedCount.incrementAndGet();
        }
        if (puback != null) {
            puback.resume();
        }
    }

    /**
     * Forgets committed publishes, and closes the connection of every client with a publish waiting
     * for its commit longer than the limit (once per publish). Run every second or so.
     */
    void sweep(Consumer<String> disconnect) {
        long now = clock.getAsLong();
        Set<String> overdue = new HashSet<>();
        for (Iterator<Pending> it = inOrder.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            synchronized (p) {
                if (p.committed) {
                    it.remove();
                    // Its PUBACK may still be on its way to onPuback, which lets it go when it finds nothing.
                    byPacket.remove(p.key, p);
                    continue;
                }
                if (now - p.takenAt <= limitMs) {
                    // Taken in about commit order: what follows was taken later still.
                    break;
                }
                if (!p.abandoned) {
                    p.abandoned = true;
                    abandonedCount.incrementAndGet();
                    overdue.add(p.key.clientId());
                } else if (now - p.takenAt > FORGET_AFTER_LIMITS * limitMs) {
                    // Never committed (ingest failed on it); its connection was closed long ago.
                    it.remove();
                    byPacket.remove(p.key, p);
                    p.committed = true;
                    waiting.decrementAndGet();
                }
            }
        }
        if (!overdue.isEmpty()) {
            log.warn("{} client(s) had a publish waiting over {} ms for the store; closing their connections so they send again",
                    overdue.size(), limitMs);
            overdue.forEach(disconnect);
        }
    }

    /** Publishes taken and not yet committed. */
    int waiting() {
        return waiting.get();
    }

    /** Publishes whose PUBACK was let go after their commit. */
    long released() {
        return releasedCount.get();
    }

    /** Publishes whose connection was closed because they waited too long. */
    long abandoned() {
        return abandonedCount.get();
    }
}
