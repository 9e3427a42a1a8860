package org.syncready.controller.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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

    private final Endpoint endpoint;
    private final MessageCodec codec;
    private final MqttAsyncClient client;
    private final Semaphore window = new Semaphore(IN_FLIGHT_WINDOW);
    private volatile List<String> filters = List.of();
    private volatile Handler handler = (t, m) -> { };

    public ControllerMqttClient(Endpoint endpoint, MessageCodec codec) throws MqttException {
        this.endpoint = endpoint;
        this.codec = codec;
        this.client = new MqttAsyncClient(endpoint.uri(), endpoint.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
    }

    /** Connects (blocking, bounded) and subscribes to {@code filters} at QoS 1 on every connect. */
    public void connect(List<String> filters, Handler handler) throws MqttException {
        this.filters = List.copyOf(filters);
        this.handler = handler;
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(endpoint.username());
        options.setPassword(endpoint.password());
        options.setCleanStart(true);
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
            log.warn("controller MQTT connection lost: {}", response.getReasonString() != null
                    ? response.getReasonString() : String.valueOf(response.getException()));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("controller MQTT error: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // Paho drops the connection when this throws; nothing a box sends may do that.
            try {
                handler.onMessage(topic, message);
            } catch (RuntimeException e) {
                log.error("ingest failed on topic={} ({} bytes)", topic, message.getPayload().length, e);
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
