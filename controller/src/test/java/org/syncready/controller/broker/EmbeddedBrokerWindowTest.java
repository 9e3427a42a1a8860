package org.syncready.controller.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * HiveMQ sends a subscriber a batch of unacknowledged messages and the next batch only once all are
 * acknowledged; ingest acknowledges after each commit, so the batch must be a whole writer batch, not
 * HiveMQ's default of 50 (set through HiveMQ internals that a version bump could break).
 */
class EmbeddedBrokerWindowTest {
    @TempDir
    Path dir;

    @Test
    void aSubscriberThatAcknowledgesLateGetsBatchesOfTheWholeWindow() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, new EmbeddedBroker.Settings("127.0.0.1", 0, 10_000, true),
                (client, user, password) -> Optional.of(BrokerPrincipal.controller(client)), new ControllerMetrics())) {
            String uri = "tcp://127.0.0.1:" + broker.port();
            List<MqttMessage> unacknowledged = new CopyOnWriteArrayList<>();
            MqttAsyncClient subscriber = new MqttAsyncClient(uri, "syncready-controller-window", new MemoryPersistence());
            subscriber.setManualAcks(true);
            subscriber.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse r) {
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    unacknowledged.add(m);
                }

                @Override
                public void deliveryComplete(IMqttToken t) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverUri) {
                }

                @Override
                public void authPacketArrived(int code, MqttProperties p) {
                }
            });
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setUserName("syncready-controller");
            options.setPassword("x".getBytes());
            options.setCleanStart(false);
            options.setSessionExpiryInterval(60L);
            options.setReceiveMaximum(2_000);
            subscriber.connect(options).waitForCompletion(10_000);
            subscriber.subscribe(new MqttSubscription[] {new MqttSubscription("t/#", 1)}).waitForCompletion(10_000);
            MqttClient publisher = new MqttClient(uri, "syncready-controller-pub", new MemoryPersistence());
            publisher.setTimeToWait(20_000);
            MqttConnectionOptions pubOptions = new MqttConnectionOptions();
            pubOptions.setUserName("syncready-controller");
            pubOptions.setPassword("x".getBytes());
            publisher.connect(pubOptions);
            for (int i = 0; i < 1_500; i++) {
                publisher.publish("t/a", new MqttMessage(("m" + i).getBytes(), 1, false, null));
            }
            // The first batch is what was queued when the subscriber was idle: often one message, sometimes
            // a few more that the publisher got in first. The rest wait for its acknowledgement.
            await().atMost(Duration.ofSeconds(10)).until(() -> unacknowledged.size() >= 1);
            await().pollDelay(500, TimeUnit.MILLISECONDS).atMost(1, TimeUnit.SECONDS).until(() -> true);
            int first = unacknowledged.size();
            assertTrue(first < EmbeddedBroker.INFLIGHT_WINDOW, "first batch " + first);
            await().pollDelay(500, TimeUnit.MILLISECONDS).atMost(1, TimeUnit.SECONDS).until(() -> true);
            assertEquals(first, unacknowledged.size(), "nothing more before the first batch is acknowledged");
            acknowledgeAll(subscriber, unacknowledged);
            await().atMost(Duration.ofSeconds(10)).until(() -> unacknowledged.size() >= EmbeddedBroker.INFLIGHT_WINDOW);
            await().pollDelay(500, TimeUnit.MILLISECONDS).atMost(1, TimeUnit.SECONDS).until(() -> true);
            assertEquals(EmbeddedBroker.INFLIGHT_WINDOW, unacknowledged.size(), "one batch of the whole window");
            acknowledgeAll(subscriber, unacknowledged);
            await().atMost(Duration.ofSeconds(10)).until(() -> unacknowledged.size() == 1_500 - first - EmbeddedBroker.INFLIGHT_WINDOW);
            publisher.disconnectForcibly(0, 2_000, true);
            publisher.close();
            subscriber.disconnectForcibly(0, 100, false);
            subscriber.close(true);
        }
    }

    private static void acknowledgeAll(MqttAsyncClient client, List<MqttMessage> messages) throws MqttException {
        List<MqttMessage> batch = List.copyOf(messages);
        messages.clear();
        for (MqttMessage m : batch) {
            client.messageArrivedComplete(m.getId(), m.getQos());
        }
    }
}
