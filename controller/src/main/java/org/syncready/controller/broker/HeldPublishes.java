package org.syncready.controller.broker;

import com.hivemq.extension.sdk.api.async.Async;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes of boxes whose PUBACK the broker holds until in-broker ingest has committed them. A
 * message held longer than {@code limitMs} (the store has been failing that long) gets its
 * connection closed instead: a PUBACK with an error code would make the box drop the report (the
 * agent treats a refusal as final), while a closed connection makes it send the report again after
 * it reconnects, and the store drops the copy if the first one was committed after all.
 *
 * <p>Held messages are released in about the order they were held (the store writer commits in
 * queue order), so the oldest are at the head; the bound on how many are held at once is the store
 * writer's queue, which makes ingest wait when full.
 */
final class HeldPublishes {
    private static final Logger log = LoggerFactory.getLogger(HeldPublishes.class);

    /** One held publish; released once, by its commit (or never, when its connection is closed first). */
    static final class Held {
        private final String clientId;
        private final long heldAt;
        private final Async<?> async;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean abandoned;

        private Held(String clientId, long heldAt, Async<?> async) {
            this.clientId = clientId;
            this.heldAt = heldAt;
            this.async = async;
        }
    }

    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong releasedCount = new AtomicLong();
    private final AtomicLong abandonedCount = new AtomicLong();
    private final long limitMs;
    private final LongSupplier clock;

    HeldPublishes(long limitMs, LongSupplier clock) {
        this.limitMs = limitMs;
        this.clock = clock;
    }

    /** Holds {@code async} (a publish of {@code clientId}); the returned action lets it go on to its PUBACK. */
    Runnable hold(String clientId, Async<?> async) {
        Held h = new Held(clientId, clock.getAsLong(), async);
        held.add(h);
        waiting.incrementAndGet();
        return () -> release(h);
    }

    private void release(Held h) {
        if (h.released.compareAndSet(false, true)) {
            waiting.decrementAndGet();
            if (!h.abandoned) {
                releasedCount.incrementAndGet();
            }
            h.async.resume();
        }
    }

    /**
     * Forgets released publishes at the head, and closes the connection of every client with a
     * publish held longer than the limit (once per publish). Run every second or so.
     */
    void sweep(Consumer<String> disconnect) {
        long now = clock.getAsLong();
        Held head;
        while ((head = held.peek()) != null && head.released.get()) {
            held.poll();
        }
        Set<String> overdue = new HashSet<>();
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.released.get()) {
                it.remove();
                continue;
            }
            if (now - h.heldAt <= limitMs) {
                // Held in about commit order: what follows was held later still.
                break;
            }
            if (!h.abandoned) {
                h.abandoned = true;
                abandonedCount.incrementAndGet();
                overdue.add(h.clientId);
            }
        }
        if (!overdue.isEmpty()) {
            log.warn("{} client(s) had a publish waiting over {} ms for the store; closing their connections so they send again",
                    overdue.size(), limitMs);
            overdue.forEach(disconnect);
        }
    }

    /** Publishes held now (waiting for their commit). */
    int waiting() {
        return waiting.get();
    }

    /** Publishes let go to their PUBACK after their commit. */
    long released() {
        return releasedCount.get();
    }

    /** Publishes whose connection was closed because they waited too long. */
    long abandoned() {
        return abandonedCount.get();
    }
}
