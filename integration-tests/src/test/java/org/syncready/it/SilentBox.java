package org.syncready.it;

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
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;
import org.syncready.protocol.Topics;

/**
 * A box whose agent reports a healthy status once and then hangs: connected, but it never answers a
 * command. What a controller sees of a box with a wedged command thread.
 */
final class SilentBox implements AutoCloseable {
    private final MqttClient client;

    SilentBox(String brokerUri, String boxId, String password) throws MqttException {
        client = new MqttClient(brokerUri, boxId, new MemoryPersistence());
        client.setTimeToWait(20_000); // a reply that never comes fails the test instead of hanging the build
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(boxId);
        options.setPassword(password.getBytes());
        client.connect(options);
        MessageCodec codec = new MessageCodec();
        long now = System.currentTimeMillis();
        publish(Topics.of(boxId, Channel.STATE), codec.encode(new StateMessage(Protocol.VERSION, boxId, now, "boot-s", 1, 1,
                StateMessage.Presence.ONLINE)), true);
        publish(Topics.of(boxId, Channel.BIRTH), codec.encode(new BirthMessage(Protocol.VERSION, boxId, now, "boot-s", 2,
                "test", "fw", "generic-recorder-a", 60, null, null, null)), true);
        // A long report period, so the one status stays fresh for the whole test.
        publish(Topics.of(boxId, Channel.STATUS), codec.encode(new StatusMessage(Protocol.VERSION, boxId, now, "boot-s", 3, 600,
                List.of(new CameraStatus("cam-teacher", CameraRole.TEACHER, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 4000, false, null),
                        new CameraStatus("cam-student", CameraRole.STUDENT, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 4000, false, null)),
                List.of(new MicrophoneStatus("mic-room", "room", DeviceState.OK, -28.0, -8.0, false, false, null)),
                new NetworkStatus("up", "eth0", 20.0, 2.0, 0.0, 20_000, 3.0, List.of()),
                new SystemStatus(5.0, 30.0, 50_000L, 40.0, 100L), null)), true);
    }

    private void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(retained);
        client.publish(topic, m);
    }

    @Override
    public void close() throws MqttException {
        client.disconnectForcibly(0, 2_000, true);
        client.close();
    }
}
