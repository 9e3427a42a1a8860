package org.syncready.agent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.syncready.protocol.Channel;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.Topics;

/** A plain Paho v5 client that records what arrives on a filter, as the controller would see it. */
final class TestSubscriber implements AutoCloseable {
    record Received(String topic, byte[] payload, boolean retained, MqttProperties properties) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final MessageCodec CODEC = new MessageCodec();
    private final MqttAsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    TestSubscriber(String uri, String clientId, String... filters) throws MqttException {
        client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                received.add(new Received(topic, m.getPayload(), m.isRetained(), m.getProperties()));
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(5_000);
        for (String filter : filters) {
            client.subscribe(filter, 1).waitForCompletion(5_000);
        }
    }

    List<Received> on(String boxId, Channel channel) {
        String topic = Topics.of(boxId, channel);
        return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    List<Received> on(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** Decoded messages of a box channel, in arrival order. */
    <T> List<T> messages(String boxId, Channel channel, Class<T> type) {
        return on(boxId, channel).stream().map(r -> {
            try {
                return type.cast(CODEC.decode(r.topic(), r.payload()));
            } catch (ProtocolException e) {
                throw new AssertionError("agent sent an invalid " + channel + ": " + e.getMessage() + " " + r.text(), e);
            }
        }).toList();
    }

    /** Everything a box published except its presence (birth, status, reports, responses), decoded, in arrival order. */
    List<org.syncready.protocol.AgentMessage> dataMessages(String boxId) {
        String root = Topics.of(boxId, Channel.STATE).replace("/state", "/");
        return received.stream().filter(r -> r.topic().startsWith(root) && !r.topic().endsWith("/state")
                && !r.topic().endsWith("/config/desired") && !r.topic().endsWith("/cmd/request")).map(r -> {
                    try {
                        return (org.syncready.protocol.AgentMessage) CODEC.decode(r.topic(), r.payload());
                    } catch (ProtocolException e) {
                        throw new AssertionError("agent sent an invalid message: " + e.getMessage() + " " + r.text(), e);
                    }
                }).toList();
    }

    void publish(String topic, byte[] payload, MqttProperties properties) throws MqttException {
        client.publish(topic, new MqttMessage(payload, 1, false, properties)).waitForCompletion(5_000);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close(true);
    }
}
