package org.syncready.agent.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.outbox.Outbox;
import org.syncready.agent.outbox.OutboxException;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/**
 * Sends data messages (status, config/reported, cmd/response, birth) through the {@link Outbox}: each
 * is numbered ({@code seq}) and written there when it is made, published from there in order, and
 * removed when the broker acknowledges it. While disconnected statuses go on being made, and wait
 * there marked {@code historical} (published without the retain flag, so the broker's retained status
 * stays the newest). After every connect the outbox is replayed, oldest first, before the birth and a
 * fresh status; a message sent but not acknowledged before a connection broke is sent again (the
 * controller drops the duplicate). Births are made only while connected: one follows every connect anyway.
 *
 * <p>Everything here runs on the {@link IoThread}, except {@link #waiting()} and {@link #dropped()};
 * Paho's publish listeners only queue acknowledgements and post work to it.
 */
final class OutboxSender {
    private static final Logger log = LoggerFactory.getLogger(MqttReporter.class);
    private static final long DROPPED_LOG_EVERY_MS = 60_000;

    private final String boxId;
    private final String bootId;
    private final MessageCodec codec;
    private final ReportContent content;
    private final Outbox outbox;
    private final IoThread io;
    private final BrokerConnection connection;
    private final LongSupplier now;
    /** Written only here, on the io thread, so seq follows publish order. */
    private final AtomicLong seq;
    /** Ids the broker acknowledged, for the io thread to remove from the outbox in one transaction. */
    private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    /** The highest outbox id handed to Paho on this connection. */
    private long sentUpTo;
    /** From a connect until the outbox's backlog is sent: what is made meanwhile is history too. */
    private boolean replaying;
    private long replayed;
    private boolean pumping;
    private ScheduledFuture<?> retryPump;
    /** Messages lost because the outbox could not be written, added to what it dropped in the birth. */
    private long lost;
    private boolean outboxFailing;
    private long droppedLoggedAt;
    private long droppedAtLastLog;

    OutboxSender(String boxId, String bootId, MessageCodec codec, ReportContent content, Outbox outbox, IoThread io,
                 BrokerConnection connection, LongSupplier now, AtomicLong seq) {
        this.boxId = boxId;
        this.bootId = bootId;
        this.codec = codec;
        this.content = content;
        this.outbox = outbox;
        this.io = io;
        this.connection = connection;
        this.now = now;
        this.seq = seq;
    }

    /** Data messages waiting in the outbox for the broker's acknowledgement. */
    long waiting() {
        return outbox.count();
    }

    /** Messages the outbox dropped unsent (full or too old) since it was created, plus any it could not keep. */
    long dropped() {
        return outbox.dropped() + lost;
    }

    /** A birth now, or empty while disconnected or replaying: the next connect's replay ends with one anyway. */
    Optional<AgentMessage> birthIfLive() {
        return connection.connected() && !replaying ? publishData(Channel.BIRTH, true, s -> content.birth(s, now.getAsLong()))
                : Optional.empty();
    }

    /** Right after a connect: everything the outbox holds goes again, then the birth and a fresh status. */
    void replayAll() {
        // Everything the outbox holds goes again, oldest first: what was sent but not acknowledged
        // may never have reached the broker. Then the birth and a fresh status (see finishReplay).
        sentUpTo = 0;
        replaying = true;
        replayed = 0;
        long waiting = outbox.count();
        if (waiting > 0) {
            log.info("{}: replaying {} report(s) kept in the outbox", boxId, waiting);
        }
        pump();
    }

    Optional<AgentMessage> publishData(Channel channel, boolean retained, LongFunction<? extends AgentMessage> build) {
        return publishData(Topics.of(boxId, channel), retained, null, build);
    }

    /**
     * Makes a data message with the next seq (used up only when a message is made), keeps it in the
     * outbox and sends what the outbox holds. Made while disconnected or replaying, a status is
     * historical and not retained.
     */
    Optional<AgentMessage> publishData(String topic, boolean retained, byte[] correlationData,
                                       LongFunction<? extends AgentMessage> build) {
        boolean historical = !connection.connected() || replaying;
        long next = seq.get() + 1;
        AgentMessage message = build.apply(next);
        if (message == null) {
            return Optional.empty();
        }
        if (historical && message instanceof StatusMessage status) {
            message = status.asHistorical();
        }
        seq.set(next);
        byte[] payload = codec.encode(message);
        boolean retain = retained && !historical;
        try {
            long droppedBefore = outbox.dropped();
            outbox.append(topic, retain, payload, correlationData, bootId, next);
            noteDropped(droppedBefore);
            if (outboxFailing) {
                outboxFailing = false;
                log.info("{}: the outbox is writable again", boxId);
            }
        } catch (OutboxException e) {
            keepWithoutOutbox(e, topic, retain, payload, correlationData);
            return Optional.of(message);
        }
        pump();
        return Optional.of(message);
    }

    /** The outbox cannot be written (disk full or broken): sent at once if possible, else lost and counted. */
    private void keepWithoutOutbox(OutboxException e, String topic, boolean retain, byte[] payload, byte[] correlationData) {
        if (!outboxFailing) {
            outboxFailing = true;
            log.error("{}: {}; reports are sent only while connected, and lost otherwise", boxId, e.getMessage());
        }
        if (connection.connected() && !replaying && outbox.count() == 0) {
            MqttProperties props = new MqttProperties();
            if (correlationData != null) {
                props.setCorrelationData(correlationData);
            }
            if (connection.send(topic, new MqttMessage(payload, 1, retain, props))) {
                return;
            }
        }
        lost++;
    }

    private void noteDropped(long before) {
        long nowMs = System.currentTimeMillis();
        long dropped = outbox.dropped();
        if (dropped > before && nowMs - droppedLoggedAt >= DROPPED_LOG_EVERY_MS) {
            log.warn("{}: outbox full or too old: dropped {} oldest report(s) unsent since the last note ({} in all)", boxId,
                    dropped - droppedAtLastLog, dropped);
            droppedLoggedAt = nowMs;
            droppedAtLastLog = dropped;
        }
    }

    /**
     * Sends what the outbox holds beyond what this connection already sent, oldest first, as far as
     * the publish window allows; an acknowledgement frees room and pumps again. At the end of a
     * replay it makes the birth and a fresh status.
     */
    private void pump() {
        if (!connection.connected() || pumping) {
            return;
        }
        pumping = true;
        try {
            while (connection.connected()) {
                Semaphore w = connection.window();
                int room = w.availablePermits();
                if (room == 0) {
                    return;
                }
                List<Outbox.Entry> next = outbox.after(sentUpTo, Math.min(room, 64));
                if (next.isEmpty()) {
                    if (!replaying) {
                        return;
                    }
                    finishReplay();
                    continue;
                }
                for (Outbox.Entry e : next) {
                    if (!w.tryAcquire()) {
                        return;
                    }
                    if (!publish(e, w)) {
                        return;
                    }
                    sentUpTo = e.id();
                    if (replaying) {
                        replayed++;
                    }
                }
            }
        } catch (OutboxException e) {
            if (!outboxFailing) {
                outboxFailing = true;
                log.error("{}: {}; retrying every second", boxId, e.getMessage());
            }
            retryPumpIn(1_000);
        } finally {
            pumping = false;
        }
    }

    private void finishReplay() {
        replaying = false;
        if (replayed > 0) {
            log.info("{}: outbox replayed ({} report(s)); publishing birth and a fresh status", boxId, replayed);
        }
        publishData(Channel.BIRTH, true, s -> content.birth(s, now.getAsLong()));
        publishData(Channel.STATUS, true, s -> content.status(s, now.getAsLong()).orElse(null));
    }

    /** Hands one outbox entry to Paho; false when it could not (a retry is scheduled). */
    private boolean publish(Outbox.Entry e, Semaphore w) {
        MqttProperties props = new MqttProperties();
        if (e.correlationData() != null) {
            props.setCorrelationData(e.correlationData());
        }
        MqttMessage message = new MqttMessage(e.payload(), 1, e.retained(), props);
        try {
            connection.client().publish(e.topic(), message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    w.release();
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        io.post(() -> refused(e, codes[0]));
                        return;
                    }
                    acknowledged.add(e.id());
                    io.post(OutboxSender.this::removeAcknowledged);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    w.release();
                    log.debug("{}: publish of seq {} failed: {}", boxId, e.seq(), BrokerConnection.describe(error));
                    // Lost with its connection: the next connect sends it again. Still connected: send
                    // again from here, so nothing after it overtakes it for good.
                    io.post(() -> {
                        if (connection.connected() && w == connection.window() && e.id() <= sentUpTo) {
                            sentUpTo = e.id() - 1;
                            retryPumpIn(100);
                        }
                    });
                }
            });
            return true;
        } catch (MqttException ex) {
            w.release();
            // 32202: Paho's own count of in-flight messages reached the broker's Receive Maximum before our
            // window did (its count drops a moment before our listener runs); try again in a moment.
            boolean busy = ex.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT;
            if (!busy) {
                log.debug("{}: publish of seq {} not sent: {}", boxId, e.seq(), BrokerConnection.describe(ex));
            }
            retryPumpIn(busy ? 10 : 1_000);
            return false;
        }
    }

    /** The broker refused a message (PUBACK reason >= 0x80): it would refuse it forever, so it leaves the outbox. */
    private void refused(Outbox.Entry e, int reason) {
        log.warn("{}: broker refused report seq {} on {} (reason 0x{}); dropped", boxId, e.seq(), e.topic(), Integer.toHexString(reason));
        acknowledged.add(e.id());
        lost++;
        removeAcknowledged();
    }

    /** Removes what the broker acknowledged from the outbox, then sends on. */
    void removeAcknowledged() {
        List<Long> ids = new ArrayList<>();
        for (Long id; (id = acknowledged.poll()) != null; ) {
            ids.add(id);
        }
        try {
            outbox.remove(ids);
        } catch (OutboxException e) {
            // Kept: sent once more after the next connect, and dropped by the controller as a duplicate.
            log.debug("{}: {}", boxId, e.getMessage());
        }
        pump();
    }

    private void retryPumpIn(long ms) {
        if (retryPump != null && !retryPump.isDone()) {
            return;
        }
        ScheduledFuture<?> scheduled = io.schedule(() -> {
            try {
                pump();
            } catch (RuntimeException e) {
                log.error("{}: MQTT task failed", boxId, e);
            }
        }, ms);
        if (scheduled != null) {
            retryPump = scheduled;
        }
    }

    /** The outbox is closed with the reporter. */
    void close() {
        outbox.close();
    }
}
