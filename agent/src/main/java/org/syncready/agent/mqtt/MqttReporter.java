package org.syncready.agent.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.outbox.Outbox;
import org.syncready.agent.outbox.OutboxException;
import org.syncready.protocol.NoDelaySocketFactory;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.Message;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/**
 * The agent's MQTT 5 connection: presence, birth, status, command replies.
 *
 * <p>It reconnects by itself, with jittered exponential backoff, instead of using Paho's automatic
 * reconnect: every CONNECT must carry a fresh Will (the offline state with the new {@code conn}
 * number), and Paho's reconnect reuses the options of the first connect. On every connect it
 * subscribes to its {@code cmd/request}, then publishes the retained online state, replays its
 * outbox, then publishes the birth and the latest status. All publishes are QoS 1.
 *
 * <p>Every data message (status, config/reported, cmd/response, birth) goes through the
 * {@link Outbox}: it is written there when it is made, published from there in order, and removed when
 * the broker acknowledges it. While disconnected the agent goes on making statuses, which wait there
 * marked {@code historical} (and are published without the retain flag, so the broker's retained
 * status stays the newest). After a reconnect the outbox is replayed, oldest first, before the birth
 * and a fresh status; a message sent but not acknowledged before a connection broke is sent again
 * (the controller drops the duplicate). Births are made only while connected: one follows every
 * connect anyway.
 *
 * <p>All MQTT work runs on one thread per agent ({@code mqtt-<boxId>}), which is also the only
 * writer of {@code seq}, so seq follows publish order. Paho's callbacks only hand work to that
 * thread: they run on Paho's callback thread, which also delivers the acks that free the publish
 * window, so blocking there would deadlock.
 *
 * <p>Why this file is over 500 lines: connecting, the publish window and the receive side all share
 * the state that only the {@code mqtt-<boxId>} thread may touch (seq, conn, window, connected); kept
 * in one class, that thread rule is visible in one place. Backoff and the messages' content already
 * live apart ({@link Backoff}, {@link ReportContent}).
 */
public final class MqttReporter {
    private static final Logger log = LoggerFactory.getLogger(MqttReporter.class);
    /** Upper bound of unacknowledged publishes, whatever the broker's Receive Maximum allows. */
    private static final int MAX_WINDOW = 32;
    private static final long WINDOW_WAIT_MS = 5_000;
    private static final long BAD_REQUEST_LOG_EVERY_MS = 60_000;

    private final AgentConfig config;
    private final String boxId;
    private final String bootId;
    private final ReportContent content;
    private final Consumer<IncomingCommand> commands;
    private volatile Consumer<ConfigDesired> desired = d -> { };
    private final MessageCodec codec;
    private final MqttAsyncClient client;
    private final ScheduledExecutorService io;
    private final Backoff backoff;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger conn = new AtomicInteger();
    private volatile boolean connected;
    private volatile boolean stopping;
    /** Replaced on every connection, so permits lost with a dead connection cannot shrink the next one. */
    private Semaphore window = new Semaphore(1);
    private int windowSize = 1;
    private final Outbox outbox;
    /** Ids the broker acknowledged, for the io thread to remove from the outbox in one transaction. */
    private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    // The fields below belong to the io thread.
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
    private ScheduledFuture<?> nextAttempt;
    private int failedAttempts;
    private long badRequestLoggedAt;
    private int badRequestsSinceLog;
    /** The box clock every {@code ts} is read from; a simulated box may skew it. */
    private volatile LongSupplier clock = System::currentTimeMillis;
    private final PausableSocketFactory sockets = new PausableSocketFactory();
    /** Released when a simulated hang ends early (stop, halt). */
    private volatile java.util.concurrent.CountDownLatch hangEnded = new java.util.concurrent.CountDownLatch(0);

    /**
     * @param outbox where data messages wait until the broker acknowledged them; the reporter closes it
     *               when it stops
     */
    public MqttReporter(AgentConfig config, String bootId, MessageCodec codec, ReportContent content,
                        Consumer<IncomingCommand> commands, Outbox outbox) {
        this.config = config;
        this.outbox = outbox;
        this.boxId = config.boxId();
        this.bootId = bootId;
        this.codec = codec;
        this.content = content;
        this.commands = commands;
        this.backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.3, new Random());
        this.io = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-" + boxId);
            t.setDaemon(true);
            return t;
        });
        try {
            // Memory persistence: Paho's default writes files into the working folder.
            this.client = new MqttAsyncClient(config.broker().uri(), boxId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create MQTT client for " + config.broker().uri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
    }

    /** Where desired configurations go (on Paho's callback thread: hand them off, never block). Set before start. */
    public void onDesired(Consumer<ConfigDesired> handler) {
        this.desired = handler;
    }

    /** Publishes what the box did with a desired version (through the outbox: kept while disconnected). */
    public CompletableFuture<Optional<AgentMessage>> publishConfigReported(long version, ConfigReported.Result result, String error) {
        return call(() -> publishData(Channel.CONFIG_REPORTED, false, s -> new ConfigReported(Protocol.VERSION, boxId, now(),
                bootId, s, version, result, error)));
    }

    /** Reads every message's {@code ts} from this clock (a simulated box's skewed clock). Set before start. */
    public void useClock(LongSupplier boxClock) {
        this.clock = boxClock;
    }

    /**
     * Simulates a hung box (a stopped process) for {@code d}: after what was already handed to this
     * reporter is sent (at most 2 s), nothing more is read or written and the socket stays open, so
     * the broker sees silence and fires the Will when the keep-alive expires. Returns at once; the
     * connection thread is held for {@code d}, then everything goes on (reconnecting if the broker
     * dropped the connection meanwhile).
     */
    public void hang(Duration d) {
        post(() -> {
            long until = System.currentTimeMillis() + 2_000;
            try {
                // Let the answer that announced the hang reach the broker first.
                while (client.getPendingTokens().length > 0 && System.currentTimeMillis() < until) {
                    Thread.sleep(20);
                }
                java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
                hangEnded = ended;
                sockets.pause(d);
                log.info("{}: hanging for {} s (simulated: nothing read or sent, connection kept open)", boxId, d.toSeconds());
                ended.await(d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sockets.resume();
                hangEnded.countDown();
            }
            log.info("{}: hang over; reading and sending again (reconnecting if the broker dropped the connection)", boxId);
        });
    }

    /** Starts connecting; returns at once. */
    public void start() {
        post(this::connect);
    }

    public boolean connected() {
        return connected;
    }

    /** The seq of the latest data message published in this boot (0 before the first). */
    public long seq() {
        return seq.get();
    }

    /** The number of the latest connection attempt in this boot. */
    public int conn() {
        return conn.get();
    }

    /**
     * Makes a status from the latest probe round and publishes it through the outbox: at once when
     * connected, after the next connect (marked historical) when not. The future holds the message
     * made, or empty before the first probe round.
     */
    public CompletableFuture<Optional<StatusMessage>> publishStatus() {
        return call(() -> publishData(Channel.STATUS, true, s -> content.status(s, now()).orElse(null))
                .map(StatusMessage.class::cast));
    }

    /** Publishes the birth now (a rebirth); empty while disconnected or replaying: the next connect sends one anyway. */
    public CompletableFuture<Optional<AgentMessage>> publishBirth() {
        return call(() -> connected && !replaying ? publishData(Channel.BIRTH, true, s -> content.birth(s, now())) : Optional.empty());
    }

    /** Data messages waiting in the outbox for the broker's acknowledgement. */
    public long outboxWaiting() {
        return outbox.count();
    }

    /** Messages the outbox dropped unsent (full or too old) since it was created, plus any it could not keep. */
    public long outboxDropped() {
        return outbox.dropped() + lost;
    }

    /**
     * Answers a command on its MQTT 5 response topic with its correlation data, or on the box's
     * {@code cmd/response} when the request named none; through the outbox, so a reply made while
     * disconnected (or just before a restart) is sent after the next connect.
     */
    public CompletableFuture<Optional<AgentMessage>> reply(IncomingCommand command, boolean ok, JsonNode result, String error) {
        return call(() -> {
            String topic = command.responseTopic() != null ? command.responseTopic() : Topics.of(boxId, Channel.CMD_RESPONSE);
            return publishData(topic, false, command.correlationData(), s -> new CommandResponse(Protocol.VERSION,
                    boxId, now(), bootId, s, command.request().id(), ok, ok ? result : null, ok ? null : error));
        });
    }

    /** Clean shutdown: publishes the offline state, then DISCONNECT (so the broker drops the Will). */
    public void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        endHang();
        await(post(() -> {
            cancelNextAttempt();
            if (connected) {
                // Reports in flight are acknowledged in a moment; what is not stays in the outbox for the next start.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (window.availablePermits() < windowSize && System.nanoTime() < until) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                removeAcknowledged();
                try {
                    client.publish(Topics.of(boxId, Channel.STATE), stateMessage(StateMessage.Presence.OFFLINE, conn.get()))
                            .waitForCompletion(2_000);
                } catch (MqttException e) {
                    // Still disconnect: without DISCONNECT the broker would at least publish the Will.
                    log.info("{}: offline state not confirmed: {}", boxId, describe(e));
                }
                try {
                    client.disconnect(2_000).waitForCompletion(3_000);
                } catch (MqttException e) {
                    log.info("{}: clean disconnect incomplete: {}", boxId, describe(e));
                }
            }
            connected = false;
        }), 6_000);
        close();
        log.info("{}: stopped", boxId);
    }

    /**
     * Simulated power loss: drops the TCP connection without DISCONNECT, so the broker publishes the
     * Will, and never reconnects.
     */
    public void halt() {
        if (stopping) {
            return;
        }
        stopping = true;
        endHang();
        await(post(() -> {
            cancelNextAttempt();
            try {
                client.disconnectForcibly(0, 1_000, false);
            } catch (MqttException e) {
                log.debug("{}: forced disconnect: {}", boxId, describe(e));
            }
            connected = false;
        }), 3_000);
        close();
        log.info("{}: halted (connection dropped without DISCONNECT)", boxId);
    }

    // ---- connection, on the io thread ----

    private void connect() {
        if (stopping) {
            return;
        }
        int c = conn.incrementAndGet();
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(config.broker().keepAliveS());
        options.setConnectionTimeout(10);
        options.setUserName(config.username());
        options.setPassword(config.broker().password().getBytes(StandardCharsets.UTF_8));
        options.setSocketFactory(sockets);
        // The Will carries this attempt's conn: a Will from an older connection, fired late by the
        // broker, must not hide the "online" of a newer one.
        options.setWill(Topics.of(boxId, Channel.STATE), stateMessage(StateMessage.Presence.OFFLINE, c));
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    post(() -> onConnected(c, token));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    post(() -> onConnectFailed(e));
                }
            });
        } catch (MqttException e) {
            onConnectFailed(e);
        }
    }

    private void onConnected(int c, IMqttToken token) {
        if (stopping) {
            return;
        }
        connected = true;
        failedAttempts = 0;
        backoff.reset();
        MqttProperties props = token.getResponseProperties();
        Integer receiveMax = props == null ? null : props.getReceiveMaximum();
        windowSize = Math.min(MAX_WINDOW, receiveMax == null ? 65_535 : receiveMax);
        window = new Semaphore(windowSize);
        log.info("{}: connected to {} (conn {}, boot {})", boxId, config.broker().uri(), c, bootId);
        try {
            // Subscribed before the birth goes out: a controller may answer the birth with a command at once.
            client.subscribe(Topics.of(boxId, Channel.CMD_REQUEST), 1, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken t) {
                    int[] codes = t.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        log.warn("{}: broker refused the command subscription (reason 0x{})", boxId, Integer.toHexString(codes[0]));
                    }
                }

                @Override
                public void onFailure(IMqttToken t, Throwable e) {
                    log.warn("{}: command subscription failed: {}", boxId, describe(e));
                }
            });
        } catch (MqttException e) {
            log.warn("{}: command subscription failed: {}", boxId, describe(e));
        }
        try {
            // The retained desired document arrives on this subscription: a box that was offline catches up here.
            client.subscribe(Topics.of(boxId, Channel.CONFIG_DESIRED), 1);
        } catch (MqttException e) {
            log.warn("{}: config subscription failed: {}", boxId, describe(e));
        }
        send(Topics.of(boxId, Channel.STATE), stateMessage(StateMessage.Presence.ONLINE, c));
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

    private void onConnectFailed(Throwable e) {
        if (stopping) {
            return;
        }
        connected = false;
        long delay = backoff.nextDelayMs();
        failedAttempts++;
        // The first failure of an outage is news; the retries that follow are not.
        if (failedAttempts == 1) {
            log.warn("{}: cannot connect to {}: {}; retrying in {} ms", boxId, config.broker().uri(), describe(e), delay);
        } else {
            log.info("{}: still cannot connect to {} (attempt {}): {}; retrying in {} ms", boxId,
                    config.broker().uri(), failedAttempts, describe(e), delay);
        }
        schedule(delay);
    }

    private void onConnectionLost(String why) {
        if (stopping || !connected) {
            return;
        }
        connected = false;
        long delay = backoff.nextDelayMs();
        log.warn("{}: connection to {} lost: {}; reconnecting in {} ms", boxId, config.broker().uri(), why, delay);
        schedule(delay);
    }

    private void schedule(long delayMs) {
        cancelNextAttempt();
        try {
            nextAttempt = io.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down.
        }
    }

    private void cancelNextAttempt() {
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
    }

    // ---- publishing, on the io thread ----

    private Optional<AgentMessage> publishData(Channel channel, boolean retained, LongFunction<? extends AgentMessage> build) {
        return publishData(Topics.of(boxId, channel), retained, null, build);
    }

    /**
     * Makes a data message with the next seq (used up only when a message is made), keeps it in the
     * outbox and sends what the outbox holds. Made while disconnected or replaying, a status is
     * historical and not retained.
     */
    private Optional<AgentMessage> publishData(String topic, boolean retained, byte[] correlationData,
                                               LongFunction<? extends AgentMessage> build) {
        boolean historical = !connected || replaying;
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
        if (connected && !replaying && outbox.count() == 0) {
            MqttProperties props = new MqttProperties();
            if (correlationData != null) {
                props.setCorrelationData(correlationData);
            }
            if (send(topic, new MqttMessage(payload, 1, retain, props))) {
                return;
            }
        }
        lost++;
    }

    private void noteDropped(long before) {
        long now = System.currentTimeMillis();
        long dropped = outbox.dropped();
        if (dropped > before && now - droppedLoggedAt >= BAD_REQUEST_LOG_EVERY_MS) {
            log.warn("{}: outbox full or too old: dropped {} oldest report(s) unsent since the last note ({} in all)", boxId,
                    dropped - droppedAtLastLog, dropped);
            droppedLoggedAt = now;
            droppedAtLastLog = dropped;
        }
    }

    /**
     * Sends what the outbox holds beyond what this connection already sent, oldest first, as far as
     * the publish window allows; an acknowledgement frees room and pumps again. At the end of a
     * replay it makes the birth and a fresh status.
     */
    private void pump() {
        if (!connected || pumping) {
            return;
        }
        pumping = true;
        try {
            while (connected) {
                Semaphore w = window;
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
        publishData(Channel.BIRTH, true, s -> content.birth(s, now()));
        publishData(Channel.STATUS, true, s -> content.status(s, now()).orElse(null));
    }

    /** Hands one outbox entry to Paho; false when it could not (a retry is scheduled). */
    private boolean publish(Outbox.Entry e, Semaphore w) {
        MqttProperties props = new MqttProperties();
        if (e.correlationData() != null) {
            props.setCorrelationData(e.correlationData());
        }
        MqttMessage message = new MqttMessage(e.payload(), 1, e.retained(), props);
        try {
            client.publish(e.topic(), message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    w.release();
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        post(() -> refused(e, codes[0]));
                        return;
                    }
                    acknowledged.add(e.id());
                    post(MqttReporter.this::removeAcknowledged);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    w.release();
                    log.debug("{}: publish of seq {} failed: {}", boxId, e.seq(), describe(error));
                    // Lost with its connection: the next connect sends it again. Still connected: send
                    // again from here, so nothing after it overtakes it for good.
                    post(() -> {
                        if (connected && w == window && e.id() <= sentUpTo) {
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
                log.debug("{}: publish of seq {} not sent: {}", boxId, e.seq(), describe(ex));
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

    private void removeAcknowledged() {
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
        try {
            retryPump = io.schedule(() -> {
                try {
                    pump();
                } catch (RuntimeException e) {
                    log.error("{}: MQTT task failed", boxId, e);
                }
            }, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down.
        }
    }

    /** Sends a message that does not go through the outbox (presence), waiting for room in the window. */
    private boolean send(String topic, MqttMessage message) {
        Semaphore w = window;
        try {
            if (!w.tryAcquire(WINDOW_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("{}: no ack from the broker for {} ms; dropping a publish to {}", boxId, WINDOW_WAIT_MS, topic);
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                client.publish(topic, message, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        w.release();
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        w.release();
                        log.debug("{}: publish to {} failed: {}", boxId, topic, describe(e));
                    }
                });
                return true;
            } catch (MqttException e) {
                // 32202: Paho's own count of in-flight messages reached the broker's Receive Maximum
                // before our window did (its count drops a moment before our listener runs); wait briefly.
                if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT && attempt < 100 && connected) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        w.release();
                        return false;
                    }
                    continue;
                }
                w.release();
                log.debug("{}: publish to {} not sent: {}", boxId, topic, describe(e));
                return false;
            }
        }
    }

    private MqttMessage stateMessage(StateMessage.Presence presence, int c) {
        StateMessage state = new StateMessage(Protocol.VERSION, boxId, now(), bootId, seq.get(), c, presence);
        return new MqttMessage(codec.encode(state), 1, true, new MqttProperties());
    }

    // ---- incoming, on Paho's callback thread ----

    private void onMessage(String topic, MqttMessage mqtt) {
        if (topic.equals(Topics.of(boxId, Channel.CONFIG_DESIRED))) {
            if (mqtt.getPayload().length == 0) {
                return; // the controller cleared the retained document
            }
            try {
                if (codec.decode(topic, mqtt.getPayload()) instanceof ConfigDesired doc) {
                    desired.accept(doc);
                }
            } catch (ProtocolException e) {
                dropRequest("undecodable config/desired dropped (" + e.reason().label() + "): " + e.getMessage());
            }
            return;
        }
        if (!topic.equals(Topics.of(boxId, Channel.CMD_REQUEST))) {
            return;
        }
        if (mqtt.isRetained()) {
            // A retained command would run again on every reconnect (think restart-agent): never act on one.
            dropRequest("retained command request ignored");
            return;
        }
        try {
            Message message = codec.decode(topic, mqtt.getPayload());
            if (message instanceof CommandRequest request) {
                MqttProperties props = mqtt.getProperties();
                commands.accept(new IncomingCommand(request, props == null ? null : props.getResponseTopic(),
                        props == null ? null : props.getCorrelationData()));
            }
        } catch (ProtocolException e) {
            dropRequest("undecodable command request dropped (" + e.reason().label() + "): " + e.getMessage());
        }
    }

    /** Logs a dropped request at most once a minute, so a broken sender cannot flood the log. */
    private void dropRequest(String why) {
        long nowMs = System.currentTimeMillis();
        if (nowMs - badRequestLoggedAt >= BAD_REQUEST_LOG_EVERY_MS) {
            String more = badRequestsSinceLog > 0 ? " (" + badRequestsSinceLog + " more dropped since the last note)" : "";
            log.warn("{}: {}{}", boxId, why, more);
            badRequestLoggedAt = nowMs;
            badRequestsSinceLog = 0;
        } else {
            badRequestsSinceLog++;
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String why = response.getException() != null ? describe(response.getException())
                    : "broker sent DISCONNECT (reason " + response.getReturnCode()
                    + (response.getReasonString() == null ? "" : ": " + response.getReasonString()) + ")";
            post(() -> onConnectionLost(why));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.debug("{}: MQTT error: {}", boxId, describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onMessage(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    // ---- plumbing ----

    private <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> posted = post(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (posted == null) {
            result.completeExceptionally(new IllegalStateException(boxId + ": reporter stopped"));
        }
        return result;
    }

    /** Runs on the io thread; null when the reporter has shut down. */
    private Future<?> post(Runnable work) {
        try {
            return io.submit(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.error("{}: MQTT task failed", boxId, e);
                }
            });
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void await(Future<?> f, long ms) {
        if (f == null) {
            return;
        }
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("{}: shutdown step incomplete: {}", boxId, e.toString());
        }
    }

    private void close() {
        io.shutdownNow();
        try {
            io.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("{}: close: {}", boxId, describe(e));
        }
        outbox.close();
    }

    private long now() {
        return clock.getAsLong();
    }

    private void endHang() {
        hangEnded.countDown();
        sockets.resume();
    }

    /** One line for a connection problem: what Paho says and what the network said underneath. */
    static String describe(Throwable e) {
        if (e == null) {
            return "unknown reason";
        }
        StringBuilder s = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (e instanceof MqttException m) {
            s.append(" (").append(m.getReasonCode()).append(')');
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null && !s.toString().contains(cause.getMessage())) {
            s.append(": ").append(cause.getMessage());
        }
        return s.toString();
    }
}
