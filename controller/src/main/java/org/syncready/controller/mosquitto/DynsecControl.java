package org.syncready.controller.mosquitto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.syncready.controller.broker.BrokerAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to the dynamic-security plugin over MQTT: a list of commands published to
 * {@value #REQUEST_TOPIC}, the plugin's answers read on {@value #RESPONSE_TOPIC}, matched by the
 * {@code correlationData} of each command (answers may reach every client subscribed there, other
 * controller nodes and {@code mosquitto_ctrl} included, hence a prefix of this instance's own).
 * Connects on demand; every step has a time limit, and what goes wrong is an
 * {@link BrokerAccounts.Unavailable}, never a hang. Calls block: never from an event loop.
 */
final class DynsecControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DynsecControl.class);
    static final String REQUEST_TOPIC = "$CONTROL/dynamic-security/v1";
    static final String RESPONSE_TOPIC = REQUEST_TOPIC + "/response";
    /** Requests in flight at once; Mosquitto's default receive maximum is 20. Further callers wait up to the timeout. */
    private static final int WINDOW = 16;

    /** Where to reach the broker, and as whom (a client holding the dynsec admin rights). */
    record Endpoint(String uri, String clientId, String username, byte[] password) {
        @Override
        public String toString() {
            return "Endpoint[uri=" + uri + ", clientId=" + clientId + ", username=" + username + ", password=***]";
        }
    }

    private final Endpoint endpoint;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final MqttAsyncClient client;
    private final String prefix = UUID.randomUUID().toString();
    private final AtomicLong next = new AtomicLong();
    private final Map<String, CompletableFuture<ArrayNode>> pending = new ConcurrentHashMap<>();
    private final Semaphore window = new Semaphore(WINDOW);
    /** Unreachable is logged once until it is reachable again. */
    private volatile boolean unreachableLogged;

    DynsecControl(Endpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        try {
            this.client = new MqttAsyncClient(endpoint.uri(), endpoint.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("broker address " + endpoint.uri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                log.info("dynamic-security connection to {} closed (reason code {})", endpoint.uri(), response.getReturnCode());
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                answered(message.getPayload());
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
        });
    }

    /** Runs {@code commands} in one request and returns one answer per command, in order. */
    List<JsonNode> run(List<ObjectNode> commands) {
        String id = prefix + "/" + next.incrementAndGet();
        ArrayNode list = json.createArrayNode();
        for (int i = 0; i < commands.size(); i++) {
            list.add(commands.get(i).deepCopy().put("correlationData", id + "/" + i));
        }
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(json.createObjectNode().set("commands", list));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!window.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BrokerAccounts.Unavailable("too many dynamic-security requests waiting for Mosquitto");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerAccounts.Unavailable("interrupted");
        }
        CompletableFuture<ArrayNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            connected(deadline);
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            IMqttToken sent = client.publish(REQUEST_TOPIC, message);
            sent.waitForCompletion(remainingMillis(deadline));
            int[] codes = sent.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                throw new BrokerAccounts.Unavailable("Mosquitto refused the dynamic-security request (reason code " + codes[0]
                        + "): the controller's broker login needs the dynsec admin rights (docs/OPERATIONS.md)");
            }
            ArrayNode responses = answer.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            return order(responses, id, commands.size());
        } catch (MqttException e) {
            throw unreachable(e);
        } catch (TimeoutException e) {
            throw new BrokerAccounts.Unavailable("Mosquitto's dynamic-security plugin did not answer within "
                    + timeout.toMillis() + " ms (is the plugin loaded, and may the controller's login use $CONTROL/dynamic-security/#?)");
        } catch (ExecutionException e) {
            throw new BrokerAccounts.Unavailable("dynamic-security answer unreadable: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerAccounts.Unavailable("interrupted");
        } finally {
            pending.remove(id);
            window.release();
        }
    }

    private List<JsonNode> order(ArrayNode responses, String id, int count) {
        JsonNode[] byIndex = new JsonNode[count];
        for (JsonNode r : responses) {
            String correlation = r.path("correlationData").asText("");
            if (correlation.startsWith(id + "/")) {
                int i = Integer.parseInt(correlation.substring(id.length() + 1));
                if (i >= 0 && i < count) {
                    byIndex[i] = r;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            if (byIndex[i] == null) {
                throw new BrokerAccounts.Unavailable("dynamic-security answer lacks command " + i + " of " + count);
            }
        }
        return List.of(byIndex);
    }

    private void answered(byte[] payload) {
        try {
            JsonNode responses = json.readTree(payload).path("responses");
            if (!responses.isArray() || responses.isEmpty()) {
                return;
            }
            String correlation = responses.get(0).path("correlationData").asText("");
            int slash = correlation.lastIndexOf('/');
            CompletableFuture<ArrayNode> waiting = slash < 0 ? null : pending.get(correlation.substring(0, slash));
            if (waiting != null) {
                waiting.complete((ArrayNode) responses);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("unreadable dynamic-security answer ignored ({} bytes): {}", payload.length, e.toString());
        }
    }

    /** Connects (and subscribes to the answers) unless connected; a clean session each time, nothing to keep. */
    private synchronized void connected(long deadline) throws MqttException {
        if (client.isConnected()) {
            return;
        }
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(endpoint.username());
        options.setPassword(endpoint.password());
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        options.setKeepAliveInterval(30);
        client.connect(options).waitForCompletion(remainingMillis(deadline));
        IMqttToken subscribed = client.subscribe(RESPONSE_TOPIC, 1);
        subscribed.waitForCompletion(remainingMillis(deadline));
        int[] codes = subscribed.getReasonCodes();
        if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
            client.disconnect();
            throw new BrokerAccounts.Unavailable("Mosquitto refused the subscription to " + RESPONSE_TOPIC + " (reason code "
                    + codes[0] + "): the controller's broker login needs the dynsec admin rights (docs/OPERATIONS.md)");
        }
        if (unreachableLogged) {
            log.info("dynamic-security connection to {} is back", endpoint.uri());
        }
        unreachableLogged = false;
    }

    private BrokerAccounts.Unavailable unreachable(MqttException e) {
        String why = "cannot reach Mosquitto at " + endpoint.uri() + " as '" + endpoint.username() + "': " + e.getMessage()
                + " (code " + e.getReasonCode() + ")";
        if (!unreachableLogged) {
            unreachableLogged = true;
            log.warn("dynamic-security: {}", why);
        }
        return new BrokerAccounts.Unavailable(why);
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            log.debug("dynamic-security disconnect: {}", e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("dynamic-security close: {}", e.toString());
        }
    }
}
