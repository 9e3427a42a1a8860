package org.syncready.controller.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * Sends the stored messages: one lane per robot or endpoint (channels that share a robot share its
 * lane), at most one send in flight per lane, each lane paced by its {@link Pacer}.
 *
 * <p>When a lane has more messages waiting than its pace lets out now, they are merged into digests
 * as large as the platform takes (and whatever waits is merged until the lane's queue is empty again),
 * so a burst at 07:30 never pushes a robot over its limit and loses no school's problem. A "too fast" answer stops the lane for as long as the platform says; a network
 * failure or a 5xx retries the lane with exponential backoff (5 s doubling to 5 min, ±20 %); a
 * platform refusal (bad signature, unknown robot) fails that message only. Messages whose class is
 * over expire unsent.
 *
 * <p>Threads: decisions on {@code alert-delivery} (one thread, never an event loop), blocking sends on
 * {@code alert-send-N} (4 threads, a queue of 64: a lane whose send is refused goes on the next round).
 * Bounds: each channel keeps at most {@link #BACKLOG} unsent messages; when a dead endpoint lets more
 * pile up, the oldest are dropped (logged once, counted in the next digest) rather than memory grows.
 *
 * <p>This class decides when and to whom; a {@link Lane} holds one robot's queue, pace and backoff,
 * {@link MessageContent} renders, merges and cuts what is sent, and the {@link Outbox} holds the
 * unsent messages and records each try and each end in the store.
 */
final class Delivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    static final int BACKLOG = 500;
    private static final Duration TEST_LIFETIME = Duration.ofMinutes(2);
    private static final long PUMP_MS = 200;

    private final AlertStore store;
    private final Map<ChannelKind, Sender> senders;
    private final MessageContent content;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "alert-delivery"));
    private final ThreadPoolExecutor pool;

    /** Everything below: the delivery thread only (the outbox's counts excepted). */
    private final Map<String, AlertChannel> channels = new HashMap<>();
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final Outbox outbox;
    private volatile java.util.function.BooleanSupplier leader = () -> true;

    Delivery(AlertStore store, Map<ChannelKind, Sender> senders, NoticeText text, Clock clock, ControllerMetrics metrics) {
        this.store = store;
        this.senders = Map.copyOf(senders);
        this.content = new MessageContent(store, this.senders, text);
        this.clock = clock;
        this.outbox = new Outbox(store, clock, metrics);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                r -> daemon(r, "alert-send-" + n.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Loads the queue a previous run left, counts the sends of the last minute against each robot, starts pumping. */
    void start(Collection<AlertChannel> known) {
        CompletableFuture.runAsync(() -> {
            known.forEach(c -> channels.put(c.id(), c));
            Instant now = clock.instant();
            for (DeliveryAttempt a : store.attemptsSince(now.minus(Pacer.MINUTE))) {
                AlertChannel c = channels.get(a.channelId());
                if (c != null && a.outcome() != DeliveryAttempt.Outcome.MERGED && a.outcome() != DeliveryAttempt.Outcome.EXPIRED
                        && a.outcome() != DeliveryAttempt.Outcome.DROPPED) {
                    lane(c).pacer.record(a.at());
                }
            }
            int restored = 0;
            for (OutboxMessage m : store.queuedMessages()) {
                if (accept(m)) {
                    restored++;
                }
            }
            if (restored > 0) {
                log.info("alerts: {} unsent message(s) from before the restart are queued again", restored);
            }
        }, thread).join();
        thread.scheduleWithFixedDelay(this::pumpSafely, PUMP_MS, PUMP_MS, TimeUnit.MILLISECONDS);
    }

    /** A channel was created or changed: its lane follows its (possibly new) endpoint and pace. */
    void channelChanged(AlertChannel channel) {
        thread.execute(() -> {
            AlertChannel before = channels.put(channel.id(), channel);
            if (before != null && !before.endpoint().equals(channel.endpoint())) {
                Lane old = lanes.get(before.endpoint());
                if (old != null) {
                    List<Long> moved = new ArrayList<>();
                    old.queue.removeIf(id -> {
                        OutboxMessage m = outbox.get(id);
                        boolean mine = m != null && m.channelId().equals(channel.id());
                        if (mine) {
                            moved.add(id);
                        }
                        return mine;
                    });
                    lane(channel).queue.addAll(moved);
                }
            }
            lane(channel).pacer.limits(channel.perMinute(), channel.kind().perSecond());
        });
    }

    /** A channel was deleted: its unsent messages are cancelled. */
    void channelRemoved(String channelId) {
        thread.execute(() -> {
            AlertChannel c = channels.remove(channelId);
            if (c == null) {
                return;
            }
            Lane lane = lanes.get(c.endpoint());
            if (lane != null) {
                lane.queue.removeIf(id -> {
                    OutboxMessage m = outbox.get(id);
                    if (m != null && m.channelId().equals(channelId)) {
                        outbox.forget(id);
                        return true;
                    }
                    return false;
                });
            }
            int n = store.cancelQueued(channelId);
            outbox.forgetChannel(channelId);
            if (n > 0) {
                log.info("alerts: channel={} deleted, {} unsent message(s) cancelled", channelId, n);
            }
        });
    }

    /** One message to queue: a notice for a channel, moot after {@code expiresAt}. */
    record Queued(AlertChannel channel, Notice notice, Instant expiresAt) {
    }

    /**
     * Stores the messages (in one transaction, before anything is sent: a crash from here on loses
     * nothing) and queues them. Any thread.
     */
    void enqueue(List<Queued> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<OutboxMessage> rows = new ArrayList<>(batch.size());
        for (Queued q : batch) {
            rows.add(new OutboxMessage(0, q.channel().id(), List.of(q.notice().id()), false, false, OutboxMessage.State.QUEUED, now,
                    q.expiresAt(), 0, null, null, null, null, null, content.title(q.channel(), q.notice())));
        }
        List<Long> ids = store.insertMessages(rows);
        List<OutboxMessage> stored = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            stored.add(rows.get(i).withId(ids.get(i)));
        }
        thread.execute(() -> stored.forEach(this::accept));
    }

    /** Sends a test message now (paced like any other) and completes with the first attempt's outcome. */
    CompletableFuture<Sender.Result> test(AlertChannel channel, Notice notice) {
        CompletableFuture<Sender.Result> done = new CompletableFuture<>();
        Instant now = clock.instant();
        OutboxMessage m = new OutboxMessage(0, channel.id(), List.of(notice.id()), false, true, OutboxMessage.State.QUEUED, now,
                now.plus(TEST_LIFETIME), 0, null, null, null, null, null, content.title(channel, notice));
        long id = store.insertMessage(m);
        thread.execute(() -> {
            outbox.awaitTest(id, done);
            accept(m.withId(id));
        });
        return done;
    }

    /** Unsent messages of a channel (the gauge). */
    int queuedFor(String channelId) {
        return outbox.queuedFor(channelId);
    }

    private boolean accept(OutboxMessage m) {
        AlertChannel c = channels.get(m.channelId());
        if (c == null) {
            store.record(List.of(m.attempt(OutboxMessage.State.CANCELLED, m.attempts(), null, null, "channel deleted", null, null)), List.of());
            return false;
        }
        Lane lane = lane(c);
        if (!m.test() && outbox.count(c.id()).get() >= BACKLOG) {
            dropOldest(lane, c);
        }
        outbox.add(m);
        lane.queue.addLast(m.id());
        return true;
    }

    private void dropOldest(Lane lane, AlertChannel c) {
        for (Iterator<Long> it = lane.queue.iterator(); it.hasNext(); ) {
            OutboxMessage m = outbox.get(it.next());
            if (m != null && m.channelId().equals(c.id()) && !m.test()) {
                it.remove();
                outbox.finish(m, OutboxMessage.State.DROPPED, DeliveryAttempt.Outcome.DROPPED, null,
                        "backlog of " + BACKLOG + " unsent messages full", 0, null);
                if (lane.dropped++ == 0) {
                    log.warn("alerts: channel={} has {} unsent messages; the oldest are dropped until it takes messages again",
                            c.id(), BACKLOG);
                }
                return;
            }
        }
    }

    private Lane lane(AlertChannel c) {
        return lanes.computeIfAbsent(c.endpoint(), e -> new Lane(e, new Pacer(c.perMinute(), c.kind().perSecond())));
    }

    // ------------------------------------------------------------------ the pump

    /** Sends only while {@code leading} says so (several controller nodes: the leader). */
    void useLeadership(java.util.function.BooleanSupplier leading) {
        this.leader = leading;
    }

    private void pumpSafely() {
        if (!leader.getAsBoolean()) {
            return;
        }
        try {
            pump();
        } catch (RuntimeException e) {
            log.error("alert delivery round failed: {}", e.toString(), e);
        }
    }

    /** One round: for every idle lane, expire what is moot, then send one message or one digest if the pace allows. */
    void pump() {
        Instant now = clock.instant();
        for (Lane lane : lanes.values()) {
            pump(lane, now);
        }
    }

    private void pump(Lane lane, Instant now) {
        if (lane.queue.isEmpty()) {
            lane.merging = false;
        }
        if (lane.inFlight || lane.queue.isEmpty()) {
            return;
        }
        expire(lane, now);
        if (lane.queue.isEmpty() || now.isBefore(lane.retryAt)) {
            return;
        }
        int available = lane.pacer.available(now);
        if (available == 0) {
            return;
        }
        OutboxMessage next = pick(lane, available, now);
        if (next != null) {
            send(lane, next);
        }
    }

    private void expire(Lane lane, Instant now) {
        List<Outbox.Done> expired = new ArrayList<>();
        for (Iterator<Long> it = lane.queue.iterator(); it.hasNext(); ) {
            OutboxMessage m = outbox.get(it.next());
            if (m != null && m.expiresAt() != null && now.isAfter(m.expiresAt())) {
                it.remove();
                expired.add(new Outbox.Done(m, m.test() ? OutboxMessage.State.FAILED : OutboxMessage.State.EXPIRED, DeliveryAttempt.Outcome.EXPIRED,
                        null, m.test() ? "not sent in time" : "not sent before it stopped mattering", 0, null));
            }
        }
        if (!expired.isEmpty()) {
            outbox.finish(expired);
        }
    }

    /**
     * The message to send next: a test alone; the oldest alone when everything waiting fits in the
     * pace; otherwise a digest of as many waiting messages as the platform takes in one.
     */
    private OutboxMessage pick(Lane lane, int available, Instant now) {
        List<OutboxMessage> waiting = new ArrayList<>();
        for (Long id : lane.queue) {
            OutboxMessage m = outbox.get(id);
            if (m == null) {
                continue;
            }
            if (m.test()) {
                return m;
            }
            waiting.add(m);
        }
        if (waiting.isEmpty()) {
            lane.merging = false;
            return null;
        }
        if (waiting.size() > available || lane.dropped > 0) {
            lane.merging = true;
        }
        if (!lane.merging || waiting.size() == 1) {
            return waiting.get(0);
        }
        AlertChannel c = channels.get(waiting.get(0).channelId());
        MessageContent.Digest fits = content.digest(c, waiting, channels, lane.dropped);
        List<OutboxMessage> parts = fits.parts();
        if (parts.size() == 1 && lane.dropped == 0) {
            return parts.get(0);
        }
        List<Long> ids = fits.notices().stream().map(Notice::id).toList();
        Instant expires = parts.stream().map(OutboxMessage::expiresAt).filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
        OutboxMessage digest = new OutboxMessage(0, c.id(), ids, true, false, OutboxMessage.State.QUEUED, now, expires, 0, null, null,
                null, null, null, content.digestDoc(fits.docs(), c, lane.dropped).title());
        digest = digest.withId(store.insertMessage(digest));
        List<Outbox.Done> merged = new ArrayList<>();
        for (OutboxMessage m : parts) {
            lane.queue.remove(m.id());
            merged.add(new Outbox.Done(m, OutboxMessage.State.MERGED, DeliveryAttempt.Outcome.MERGED, null, "in digest " + digest.id(), 0, digest.id()));
        }
        outbox.finish(merged);
        log.info("alerts: channel={} {} waiting messages, {} sendable now: {} merged into digest {}", c.id(), waiting.size(), available,
                parts.size(), digest.id());
        outbox.add(digest);
        lane.queue.addFirst(digest.id());
        lane.dropped = 0;
        return digest;
    }

    private void send(Lane lane, OutboxMessage m) {
        AlertChannel c = channels.get(m.channelId());
        List<Notice> notices = content.notices(m);
        Doc doc = content.doc(c, m, notices);
        if (doc == null) {
            lane.queue.remove(m.id());
            outbox.finish(m, OutboxMessage.State.FAILED, DeliveryAttempt.Outcome.FAILED, null, "its notice is gone from the store", 0, null);
            return;
        }
        Sender sender = senders.get(c.kind());
        Sender.Outgoing out = MessageContent.fit(c, sender, new Sender.Outgoing(m.id(), doc, notices, m.digest(), m.test()));
        lane.inFlight = true;
        long started = System.nanoTime();
        try {
            pool.execute(() -> {
                Sender.Result r;
                try {
                    r = sender.send(c, out);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    r = Sender.Result.retry(null, "interrupted (controller stopping)");
                } catch (RuntimeException e) {
                    log.error("alerts: sending message {} to channel={} failed unexpectedly: {}", m.id(), c.id(), e.toString(), e);
                    r = Sender.Result.retry(null, "unexpected: " + e.getClass().getSimpleName());
                }
                Sender.Result result = r;
                long millis = (System.nanoTime() - started) / 1_000_000;
                try {
                    thread.execute(() -> completed(lane, m.id(), result, millis));
                } catch (RejectedExecutionException stopping) {
                    // Closing: the message stays QUEUED in the store and goes at the next start.
                }
            });
        } catch (RejectedExecutionException busy) {
            lane.inFlight = false;
        }
    }

    private void completed(Lane lane, long id, Sender.Result r, long millis) {
        lane.inFlight = false;
        Instant now = clock.instant();
        lane.pacer.record(now);
        OutboxMessage m = outbox.get(id);
        if (m == null) {
            return; // cancelled while in flight
        }
        AlertChannel c = channels.get(m.channelId());
        String channel = c == null ? m.channelId() : c.id();
        switch (r.outcome()) {
            case SENT -> {
                lane.queue.remove(id);
                lane.answered();
                if (lane.loggedDown) {
                    lane.loggedDown = false;
                    log.info("alerts: channel={} reachable again", channel);
                }
                outbox.finish(m, OutboxMessage.State.SENT, DeliveryAttempt.Outcome.SENT, r.code(), null, millis, null);
            }
            case FAILED -> {
                lane.queue.remove(id);
                lane.answered();
                log.warn("alerts: channel={} refused message {} ({}): {}", channel, id, r.code(), r.detail());
                outbox.finish(m, OutboxMessage.State.FAILED, DeliveryAttempt.Outcome.FAILED, r.code(), r.detail(), millis, null);
            }
            case THROTTLED -> {
                Instant until = now.plus(r.retryAfter() == null ? Duration.ofMinutes(1) : r.retryAfter());
                lane.throttledUntil(until);
                log.warn("alerts: channel={} says too fast ({}: {}); nothing goes to it before {}", channel, r.code(), r.detail(), until);
                keep(lane, m, DeliveryAttempt.Outcome.THROTTLED, r, until, millis);
            }
            case RETRY -> {
                Instant at = lane.backOff(now);
                if (!lane.loggedDown) {
                    lane.loggedDown = true;
                    log.warn("alerts: channel={} not reached ({}{}); retrying with backoff", channel,
                            r.code() == null ? "" : r.code() + ": ", r.detail());
                }
                keep(lane, m, DeliveryAttempt.Outcome.RETRY, r, at, millis);
            }
            default -> throw new IllegalStateException("unexpected outcome " + r.outcome());
        }
        pump(lane, clock.instant()); // the next one at once, if the pace allows: not at the next round
    }

    /** The message stays queued; a test message is not tried again (its answer was the point). */
    private void keep(Lane lane, OutboxMessage m, DeliveryAttempt.Outcome outcome, Sender.Result r, Instant next, long millis) {
        if (m.test()) {
            lane.queue.remove(m.id());
            outbox.finish(m, OutboxMessage.State.FAILED, outcome, r.code(), r.detail(), millis, null);
            return;
        }
        outbox.retryLater(m, outcome, r, next, millis);
    }

    /** For tests: one round now, on the delivery thread. */
    CompletableFuture<Void> pumpNow() {
        return CompletableFuture.runAsync(this::pump, thread);
    }

    /** For tests: nothing queued and nothing in flight. */
    boolean idle() {
        return CompletableFuture.supplyAsync(() -> outbox.isEmpty() && lanes.values().stream().noneMatch(l -> l.inFlight), thread).join();
    }

    /** For tests: no send in flight (messages may wait for their backoff). */
    boolean quiet() {
        return CompletableFuture.supplyAsync(() -> lanes.values().stream().noneMatch(l -> l.inFlight), thread).join();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
