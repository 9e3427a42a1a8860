package org.syncready.controller.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.syncready.protocol.NoDelaySocketFactory;
import org.syncready.protocol.ControllerState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT 5 connection of the controller. Its Will marks the controller offline on
 * {@link Topics#CONTROLLER_STATE}; on every (re)connect it subscribes again and republishes
 * "online". Publishes go through a window of in-flight messages (the broker's Receive Maximum would
 * otherwise make Paho refuse them with 32202).
 *
 * <p>{@link #connectDurable} is how ingest connects: a persistent session (Clean Start 0 and a
 * session expiry, under a client id that stays the same across restarts) and manual
 * acknowledgements. The handler gets a {@link Runnable} to call once the message is safely kept (for
 * ingest: committed to SQLite); only then does the broker get its PUBACK and let go of the message.
 * Until then the broker keeps it, and sends it again after a reconnect or a controller crash. At most
 * {@link Session#receiveMaximum} messages are unacknowledged at once (MQTT 5 Receive Maximum), which
 * is the window the store writer's batches fill. An acknowledgement for a message of a connection
 * that has since been lost is not sent: the broker sends that message again on the new connection
 * with the same packet id, and its second acknowledgement is the one that counts.
 */
public final class ControllerMqttClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerMqttClient.class);
    private static final int IN_FLIGHT_WINDOW = 50;

    /** Where and as whom to connect. */
    public record Endpoint(String uri, String clientId, String username, byte[] password) {
    }

    /** Receives every message on the subscribed filters, on Paho's callback thread. */
    @FunctionalInterface
    public interface Handler {
        void onMessage(String topic, MqttMessage message);
    }

    /**
     * Receives every message on the subscribed filters, on Paho's callback thread, with what to call
     * (once, from any thread) when the message is safely kept or deliberately dropped.
     */
    @FunctionalInterface
    public interface AckingHandler {
        void onMessage(String topic, MqttMessage message, Runnable acknowledge);
    }

    /**
     * A persistent session: the broker keeps the subscription and queues messages for up to
     * {@code expiry} while the client is away; at most {@code receiveMaximum} unacknowledged at once.
     */
    public record Session(Duration expiry, int receiveMaximum) {
        public Session {
            if (expiry.isNegative() || expiry.toSeconds() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("session expiry out of range: " + expiry);
            }
            if (receiveMaximum < 1 || receiveMaximum > 65_535) {
                throw new IllegalArgumentException("receive maximum must be 1..65535, was " + receiveMaximum);
            }
        }
    }

    private static final Runnable NO_ACK = () -> { };

    private final Endpoint endpoint;
    private final MessageCodec codec;
    private final MqttAsyncClient client;
    private final Semaphore window = new Semaphore(IN_FLIGHT_WINDOW);
    private volatile List<String> filters = List.of();
    private volatile AckingHandler handler = (t, m, a) -> { };
    private volatile boolean manualAcks;
    /** Guards {@link #generation} and the sending of manual acknowledgements against a connection change. */
    private final Object ackLock = new Object();
    /** Counts lost connections: an acknowledgement belongs to the connection its message came on. */
    private long generation;
    private final AtomicLong acksSent = new AtomicLong();
    private final AtomicLong acksDropped = new AtomicLong();

    public ControllerMqttClient(Endpoint endpoint, MessageCodec codec) throws MqttException {
        this.endpoint = endpoint;
        this.codec = codec;
        this.client = new MqttAsyncClient(endpoint.uri(), endpoint.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
    }

    /**
     * Connects (blocking, bounded) with a clean session and subscribes to {@code filters} at QoS 1 on
     * every connect; Paho acknowledges each message as soon as {@code handler} returns.
     */
    public void connect(List<String> filters, Handler handler) throws MqttException {
        connect(filters, (topic, message, acknowledge) -> handler.onMessage(topic, message), null);
    }

    /**
     * Connects (blocking, bounded) with a persistent session and manual acknowledgements (see the
     * class comment) and subscribes to {@code filters} at QoS 1 on every connect.
     */
    public void connectDurable(List<String> filters, AckingHandler handler, Session session) throws MqttException {
        connect(filters, handler, session);
    }

    private void connect(List<String> filters, AckingHandler handler, Session session) throws MqttException {
        this.filters = List.copyOf(filters);
        this.handler = handler;
        this.manualAcks = session != null;
        client.setManualAcks(manualAcks);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(endpoint.username());
        options.setPassword(endpoint.password());
        options.setCleanStart(session == null);
        if (session != null) {
            options.setSessionExpiryInterval(session.expiry().toSeconds());
            options.setReceiveMaximum(session.receiveMaximum());
        }
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setKeepAliveInterval(20);
        options.setConnectionTimeout(10);
        options.setSocketFactory(new NoDelaySocketFactory());
        options.setWill(Topics.CONTROLLER_STATE, stateMessage("offline"));
        client.connect(options).waitForCompletion(15_000);
    }

    /** Publishes at QoS 1; the returned future completes when the broker acknowledged it. */
    public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained, MqttProperties properties) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            if (!window.tryAcquire(5, TimeUnit.SECONDS)) {
                done.completeExceptionally(new IllegalStateException("MQTT publish window full for 5 s; the broker is not acknowledging"));
                return done;
            }
            MqttMessage message = new MqttMessage(payload, 1, retained, properties == null ? new MqttProperties() : properties);
            client.publish(topic, message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    window.release();
                    done.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    window.release();
                    done.completeExceptionally(error);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        } catch (MqttException e) {
            window.release();
            done.completeExceptionally(e);
        }
        return done;
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Manual acknowledgements sent to the broker so far. */
    public long acknowledgementsSent() {
        return acksSent.get();
    }

    /** Manual acknowledgements not sent because their connection was lost (the broker redelivers those messages). */
    public long acknowledgementsDropped() {
        return acksDropped.get();
    }

    private Runnable acknowledgement(MqttMessage message) {
        if (!manualAcks || message.getQos() == 0) {
            return NO_ACK;
        }
        long gen;
        synchronized (ackLock) {
            gen = generation;
        }
        int id = message.getId();
        int qos = message.getQos();
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            synchronized (ackLock) {
                if (gen != generation) {
                    acksDropped.incrementAndGet();
                    return;
                }
                try {
                    client.messageArrivedComplete(id, qos);
                    acksSent.incrementAndGet();
                } catch (MqttException | RuntimeException e) {
                    acksDropped.incrementAndGet();
                    log.debug("acknowledgement of message {} not sent: {}", id, e.toString());
                }
            }
        };
    }

    private MqttMessage stateMessage(String state) {
        MqttMessage message = new MqttMessage(codec.encode(
                new ControllerState(Protocol.VERSION, System.currentTimeMillis(), state, version())));
        message.setQos(1);
        message.setRetained(true);
        return message;
    }

    private static String version() {
        String v = ControllerMqttClient.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private void onConnected(boolean reconnect) {
        try {
            if (!filters.isEmpty()) {
                MqttSubscription[] subscriptions = filters.stream().map(f -> new MqttSubscription(f, 1)).toArray(MqttSubscription[]::new);
                client.subscribe(subscriptions);
            }
            client.publish(Topics.CONTROLLER_STATE, stateMessage("online"));
            log.info("controller MQTT {} to {} as {}", reconnect ? "reconnected" : "connected", endpoint.uri(), endpoint.clientId());
        } catch (MqttException e) {
            log.warn("controller MQTT subscribe after connect failed: {}", e.getMessage());
        }
    }

    /** Publishes "offline" and disconnects cleanly (a clean DISCONNECT suppresses the Will). */
    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.publish(Topics.CONTROLLER_STATE, stateMessage("offline")).waitForCompletion(2_000);
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            log.debug("controller MQTT disconnect: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("controller MQTT close: {}", e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            synchronized (ackLock) {
                generation++;
            }
            log.warn("controller MQTT connection lost: {}", response.getReasonString() != null
                    ? response.getReasonString() : String.valueOf(response.getException()));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("controller MQTT error: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            Runnable acknowledge = acknowledgement(message);
            // Paho drops the connection when this throws; nothing a box sends may do that.
            try {
                handler.onMessage(topic, message, acknowledge);
            } catch (RuntimeException e) {
                log.error("ingest failed on topic={} ({} bytes)", topic, message.getPayload().length, e);
                // Never to be kept: without its acknowledgement it would hold a place in the window for good.
                acknowledge.run();
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            onConnected(reconnect);
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
