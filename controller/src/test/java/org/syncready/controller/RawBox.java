package org.syncready.controller;

import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Channel;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;
import org.syncready.protocol.Topics;

/** A box speaking the protocol by hand, so tests can send exactly the bytes they mean (good or bad). */
final class RawBox implements AutoCloseable {
    /** The longest a test waits for one MQTT exchange (connect, PUBACK, disconnect). */
    static final long WAIT_MS = 20_000;

    final String boxId;
    final MqttClient client;
    private final MessageCodec codec = new MessageCodec();
    private long seq;

    RawBox(String brokerUri, String boxId, String password) throws MqttException {
        this(brokerUri, boxId, boxId, password);
    }

    RawBox(String brokerUri, String boxId, String username, String password) throws MqttException {
        this.boxId = boxId;
        this.client = new MqttClient(brokerUri, boxId, new MemoryPersistence());
        // Every wait bounded: a PUBACK or CONNACK that never comes fails the test instead of hanging the build.
        client.setTimeToWait(WAIT_MS);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(username);
        options.setPassword(password.getBytes());
        options.setCleanStart(true);
        client.connect(options);
    }

    void publishRaw(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish(topic, m);
    }

    void birth() throws MqttException {
        publishRaw(Topics.of(boxId, Channel.BIRTH), codec.encode(new BirthMessage(1, boxId, System.currentTimeMillis(),
                "boot-1", ++seq, "test", "fw", "generic-recorder-a", 10, null, null, null)));
    }

    long status(DeviceState camera) throws MqttException {
        long s = ++seq;
        publishRaw(Topics.of(boxId, Channel.STATUS), statusPayload(s, camera));
        return s;
    }

    /** The next status (its seq taken), for a test that publishes it its own way. */
    byte[] nextStatus(DeviceState camera) {
        return statusPayload(++seq, camera);
    }

    private byte[] statusPayload(long s, DeviceState camera) {
        return codec.encode(new StatusMessage(1, boxId, System.currentTimeMillis(),
                "boot-1", s, 10,
                List.of(new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.RTSP, camera, 1920, 1080, 25.0, 4000, false, null)),
                List.of(new MicrophoneStatus("mic-1", "ceiling", DeviceState.OK, -30.0, -10.0, false, false, null)),
                new NetworkStatus("up", "eth0", 10.0, 1.0, 0.0, null, null, List.of()),
                new SystemStatus(5.0, 30.0, 10_000L, null, 100L),
                new StreamStatus(true, "rtmp://example/live", 4000, 0L, null)));
    }

    @Override
    public void close() throws MqttException {
        // Never MqttClient.disconnect(): it waits for its token without a limit, and when the broker
        // closes the connection at the same moment (after a refused publish) the token may never
        // complete; that hung a whole CI run. DISCONNECT is sent, then the socket closed after 2 s at most.
        if (client.isConnected()) {
            try {
                client.disconnectForcibly(0, 2_000, true);
            } catch (MqttException brokerClosedItFirst) {
                // Already closed by the broker: nothing left to end.
            }
        }
        client.close(true);
    }
}
