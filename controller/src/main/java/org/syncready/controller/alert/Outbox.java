package org.syncready.controller.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * The unsent messages as {@link Delivery} holds them between the store and the lanes: by id, counted
 * per channel (the queued gauge, and the backlog bound), with the test sends that wait for their first
 * answer. Every end of a message and every try kept for later is written to the store here, so what
 * memory holds never runs ahead of what a restart would find. Delivery thread only, except
 * {@link #queuedFor}, which the API reads.
 */
final class Outbox {
    private final AlertStore store;
    private final Clock clock;
    private final ControllerMetrics metrics;
    private final Map<Long, OutboxMessage> queued = new HashMap<>();
    private final Map<Long, CompletableFuture<Sender.Result>> tests = new HashMap<>();
    private final Map<String, AtomicInteger> queuedPerChannel = new ConcurrentHashMap<>();

    /** A message that reached its end (sent, refused, merged, expired, dropped), to be recorded. */
    record Done(OutboxMessage m, OutboxMessage.State state, DeliveryAttempt.Outcome outcome, String code, String detail,
                long millis, Long mergedInto) {
    }

    Outbox(AlertStore store, Clock clock, ControllerMetrics metrics) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
    }

    OutboxMessage get(long id) {
        return queued.get(id);
    }

    boolean isEmpty() {
        return queued.isEmpty();
    }

    /** A message joins the queue: held by id and counted for its channel. */
    void add(OutboxMessage m) {
        queued.put(m.id(), m);
        count(m.channelId()).incrementAndGet();
    }

    /** Its first attempt's outcome completes {@code done} (the API's "send a test" answer). */
    void awaitTest(long id, CompletableFuture<Sender.Result> done) {
        tests.put(id, done);
    }

    /** Forgets a message the store already cancelled (its channel was deleted). */
    void forget(long id) {
        queued.remove(id);
    }

    /** Forgets a deleted channel's count. */
    void forgetChannel(String channelId) {
        queuedPerChannel.remove(channelId);
    }

    /** Unsent messages of a channel (the gauge). */
    int queuedFor(String channelId) {
        AtomicInteger n = queuedPerChannel.get(channelId);
        return n == null ? 0 : n.get();
    }

    /** The channel's count, registering its gauge the first time the channel has a message. */
    AtomicInteger count(String channelId) {
        return queuedPerChannel.computeIfAbsent(channelId, k -> {
            AtomicInteger n = new AtomicInteger();
            metrics.gauge("syncready.alerts.queued", "Alert messages stored and not yet sent, by channel",
                    Map.of("channel", k), n::get);
            return n;
        });
    }

    /** The message stays queued, to be tried again at {@code next}; the try is recorded. */
    void retryLater(OutboxMessage m, DeliveryAttempt.Outcome outcome, Sender.Result r, Instant next, long millis) {
        OutboxMessage updated = m.attempt(OutboxMessage.State.QUEUED, m.attempts() + 1, next, r.code(), r.detail(), null, null);
        queued.put(m.id(), updated);
        store.record(List.of(updated), List.of(new DeliveryAttempt(m.id(), m.channelId(), clock.instant(), outcome, r.code(), r.detail(), millis)));
        metrics.alertDelivery(m.channelId(), outcome.label());
    }

    void finish(OutboxMessage m, OutboxMessage.State state, DeliveryAttempt.Outcome outcome, String code, String detail,
                long millis, Long mergedInto) {
        finish(List.of(new Done(m, state, outcome, code, detail, millis, mergedInto)));
    }

    /** Records the ends in one transaction, then forgets the messages. */
    void finish(List<Done> done) {
        Instant now = clock.instant();
        List<OutboxMessage> updated = new ArrayList<>(done.size());
        List<DeliveryAttempt> lines = new ArrayList<>(done.size());
        for (Done d : done) {
            OutboxMessage m = d.m();
            int attempts = d.outcome() == DeliveryAttempt.Outcome.SENT || d.outcome() == DeliveryAttempt.Outcome.FAILED
                    ? m.attempts() + 1 : m.attempts();
            updated.add(m.attempt(d.state(), attempts, null, d.code(), d.detail(), d.state() == OutboxMessage.State.SENT ? now : null,
                    d.mergedInto()));
            lines.add(new DeliveryAttempt(m.id(), m.channelId(), now, d.outcome(), d.code(), d.detail(), d.millis()));
        }
        store.record(updated, lines);
        for (Done d : done) {
            queued.remove(d.m().id());
            AtomicInteger n = queuedPerChannel.get(d.m().channelId());
            if (n != null && n.get() > 0) {
                n.decrementAndGet();
            }
            metrics.alertDelivery(d.m().channelId(), d.outcome().label());
            CompletableFuture<Sender.Result> test = tests.remove(d.m().id());
            if (test != null) {
                test.complete(new Sender.Result(d.outcome(), d.code(), d.detail(), null));
            }
        }
    }
}
