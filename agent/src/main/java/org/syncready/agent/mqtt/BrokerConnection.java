package org.syncready.agent.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
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
import org.syncready.protocol.TlsTrust;
import org.syncready.protocol.Channel;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.Topics;

/**
 * One box's MQTT 5 connection and its reconnect loop, with jittered exponential backoff, instead of
 * Paho's automatic reconnect: every CONNECT must carry a fresh Will (the offline state with the new
 * {@code conn} number), and Paho's reconnect reuses the options of the first connect. On every connect
 * it subscribes to {@code cmd/request} and {@code config/desired}, publishes the retained online state,
 * then hands over to whoever sends the outbox ({@link #onConnected(Runnable)}). It also owns the publish
 * window (unacknowledged QoS 1 publishes) and sends the presence messages, which skip the outbox.
 *
 * <p>Everything here except {@link #connected()}, {@link #conn()} and {@link #endHang()} runs on the
 * {@link IoThread}.
 */
final class BrokerConnection {
    private static final Logger log = LoggerFactory.getLogger(MqttReporter.class);
    /** Upper bound of unacknowledged publishes, whatever the broker's Receive Maximum allows. */
    private static final int MAX_WINDOW = 32;
    private static final long WINDOW_WAIT_MS = 5_000;

    private final AgentConfig config;
    private final String boxId;
    private final String bootId;
    private final MessageCodec codec;
    private final IoThread io;
    private final LongSupplier now;
    /** The seq of the latest data message, written by the {@link OutboxSender}; the state messages carry it. */
    private final AtomicLong seq;
    private final IncomingRequests incoming;
    private final MqttAsyncClient client;
    private final Backoff backoff;
    private final AtomicInteger conn = new AtomicInteger();
    private volatile boolean connected;
    private volatile boolean stopping;
    /** Replaced on every connection, so permits lost with a dead connection cannot shrink the next one. */
    private Semaphore window = new Semaphore(1);
    private int windowSize = 1;
    private Runnable afterConnect = () -> { };
    private ScheduledFuture<?> nextAttempt;
    private int failedAttempts;
    private final PausableSocketFactory sockets = new PausableSocketFactory();
    /** For {@code ssl://}: whom the box trusts; null for plain MQTT. */
    private final javax.net.ssl.SSLContext trust;
    /** Released when a simulated hang ends early (stop, halt). */
    private volatile CountDownLatch hangEnded = new CountDownLatch(0);

    BrokerConnection(AgentConfig config, String bootId, MessageCodec codec, IoThread io, LongSupplier now,
                     AtomicLong seq, IncomingRequests incoming) {
        this.config = config;
        this.boxId = config.boxId();
        this.trust = config.broker().tls() ? config.controllerTrust() : null;
        this.bootId = bootId;
        this.codec = codec;
        this.io = io;
        this.now = now;
        this.seq = seq;
        this.incoming = incoming;
        this.backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.3, new Random());
        try {
            // Memory persistence: Paho's default writes files into the working folder.
            this.client = new MqttAsyncClient(config.broker().uri(), boxId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create MQTT client for " + config.broker().uri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
    }

    /** What runs on the io thread once connected, subscribed and announced online. Set before the first connect. */
    void onConnected(Runnable work) {
        this.afterConnect = work;
    }

    boolean connected() {
        return connected;
    }

    int conn() {
        return conn.get();
    }

    MqttAsyncClient client() {
        return client;
    }

    /** This connection's publish window; a new one after every connect. */
    Semaphore window() {
        return window;
    }

    /** True the first time: the caller goes on stopping; false when already stopping. */
    boolean markStopping() {
        if (stopping) {
            return false;
        }
        stopping = true;
        return true;
    }

    // ---- connection, on the io thread ----

    void connect() {
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
        if (config.broker().tls()) {
            // Checked against the CA pinned at enrollment (or the system trust store), host name included.
            // (A simulated hang pauses plain sockets only: simulated boxes speak plain MQTT on loopback.)
            options.setSocketFactory(TlsTrust.noDelay(trust));
            options.setHttpsHostnameVerificationEnabled(true);
        } else {
            options.setSocketFactory(sockets);
        }
        // The Will carries this attempt's conn: a Will from an older connection, fired late by the
        // broker, must not hide the "online" of a newer one.
        options.setWill(Topics.of(boxId, Channel.STATE), stateMessage(StateMessage.Presence.OFFLINE, c));
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    io.post(() -> connected(c, token));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    io.post(() -> connectFailed(e));
                }
            });
        } catch (MqttException e) {
            connectFailed(e);
        }
    }

    private void connected(int c, IMqttToken token) {
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
        afterConnect.run();
    }

    private void connectFailed(Throwable e) {
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

    private void connectionLost(String why) {
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
        nextAttempt = io.schedule(this::connect, delayMs);
    }

    private void cancelNextAttempt() {
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
    }

    /**
     * Clean shutdown: lets the reports in flight be acknowledged (at most 2 s), runs {@code flush} (what
     * is not acknowledged stays in the outbox for the next start), publishes the offline state, then
     * DISCONNECT (so the broker drops the Will).
     */
    void disconnectCleanly(Runnable flush) {
        cancelNextAttempt();
        if (connected) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (window.availablePermits() < windowSize && System.nanoTime() < until) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            flush.run();
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
    }

    /** Simulated power loss: drops the TCP connection without DISCONNECT, so the broker publishes the Will. */
    void dropForcibly() {
        cancelNextAttempt();
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException e) {
            log.debug("{}: forced disconnect: {}", boxId, describe(e));
        }
        connected = false;
    }

    /** Holds the io thread for {@code d} with the socket paused (see {@link MqttReporter#hang(Duration)}). */
    void hang(Duration d) {
        long until = System.currentTimeMillis() + 2_000;
        try {
            // Let the answer that announced the hang reach the broker first.
            while (client.getPendingTokens().length > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
            CountDownLatch ended = new CountDownLatch(1);
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
    }

    /** Ends a simulated hang at once; any thread. */
    void endHang() {
        hangEnded.countDown();
        sockets.resume();
    }

    void close() {
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("{}: close: {}", boxId, describe(e));
        }
    }

    // ---- publishing outside the outbox ----

    /** Sends a message that does not go through the outbox (presence), waiting for room in the window. */
    boolean send(String topic, MqttMessage message) {
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
        StateMessage state = new StateMessage(Protocol.VERSION, boxId, now.getAsLong(), bootId, seq.get(), c, presence);
        return new MqttMessage(codec.encode(state), 1, true, new MqttProperties());
    }

    /** Paho's callbacks only hand work on (see {@link IoThread}). */
    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String why = response.getException() != null ? describe(response.getException())
                    : "broker sent DISCONNECT (reason " + response.getReturnCode()
                    + (response.getReasonString() == null ? "" : ": " + response.getReasonString()) + ")";
            io.post(() -> connectionLost(why));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.debug("{}: MQTT error: {}", boxId, describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            incoming.accept(topic, message);
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

    /** One line for a connection problem: what Paho says and what the network said underneath. */
    static String describe(Throwable e) {
        if (e == null) {
            return "unknown reason";
        }
        String tls = TlsTrust.explain(e);
        if (tls != null) {
            return "TLS: " + tls;
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
