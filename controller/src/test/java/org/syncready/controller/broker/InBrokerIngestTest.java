package org.syncready.controller.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.Protocol;

/**
 * In-broker ingest: a box's PUBACK waits until the inbox has kept its publish; a publish kept too
 * long closes the connection instead (never an error PUBACK, which a box takes as final), so the box
 * sends it again; what a box may not publish, or what is too large, never reaches the inbox.
 */
class InBrokerIngestTest {
    @TempDir
    Path dir;

    /** What the inbox got: topic, payload, and the acknowledgement it holds. */
    record Taken(String topic, String payload, Runnable acknowledge) {
    }

    private final List<Taken> taken = new CopyOnWriteArrayList<>();
    private final AtomicBoolean acknowledgeAtOnce = new AtomicBoolean();
    private final ControllerMetrics metrics = new ControllerMetrics();
    private EmbeddedBroker broker;

    private final BrokerInbox inbox = new BrokerInbox() {
        @Override
        public boolean takes(String topic) {
            return topic.endsWith("/status");
        }

        @Override
        public void take(String topic, byte[] payload, Runnable acknowledge) {
            taken.add(new Taken(topic, new String(payload, StandardCharsets.UTF_8), acknowledge));
            if (acknowledgeAtOnce.get()) {
                acknowledge.run();
            }
        }
    };

    private void start(long holdBeforeDisconnectMs) throws Exception {
        broker = EmbeddedBroker.start(dir, new EmbeddedBroker.Settings("127.0.0.1", 0, 10_000, false),
                (client, user, password) -> Optional.of(BrokerPrincipal.box(client)), metrics, inbox, holdBeforeDisconnectMs);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private MqttAsyncClient box(String id) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + broker.port(), id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(id);
        o.setPassword("pw".getBytes(StandardCharsets.UTF_8));
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    private static IMqttToken publish(MqttAsyncClient c, String topic, byte[] payload) throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return c.publish(topic, m);
    }

    /** Paho's subscribe with a message listener needs a subscription identifier (it reads the first one). */
    private static MqttProperties withSubscriptionId() {
        MqttProperties p = new MqttProperties();
        p.setSubscriptionIdentifiers(List.of(1));
        return p;
    }

    private static boolean acknowledgedOk(IMqttToken t) {
        int[] codes = t.getReasonCodes();
        return t.isComplete() && t.getException() == null && (codes == null || codes.length == 0 || codes[0] < 0x80);
    }

    @Test
    void eachPubackWaitsUntilTheInboxAcknowledgesItsPublish() throws Exception {
        start(60_000);
        MqttAsyncClient box = box("box-1");
        try {
            IMqttToken first = publish(box, "syncready/v1/box/box-1/status", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            IMqttToken second = publish(box, "syncready/v1/box/box-1/status", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> taken.size() >= 1);
            await().pollDelay(1, TimeUnit.SECONDS).atMost(2, TimeUnit.SECONDS).until(() -> true);
            assertFalse(first.isComplete(), "no PUBACK before the inbox acknowledged");
            assertFalse(second.isComplete());
            // The second is taken at once when it reached the broker before the first's PUBACK was due,
            // otherwise once that PUBACK went (HiveMQ runs one client's extension calls in order).
            assertEquals(taken.size(), broker.heldPublishes());
            taken.get(0).acknowledge().run();
            await().atMost(Duration.ofSeconds(10)).until(first::isComplete);
            assertTrue(acknowledgedOk(first));
            await().atMost(Duration.ofSeconds(10)).until(() -> taken.size() == 2);
            await().pollDelay(500, TimeUnit.MILLISECONDS).atMost(1, TimeUnit.SECONDS).until(() -> true);
            assertFalse(second.isComplete(), "the second's PUBACK waits for its own acknowledgement");
            taken.get(1).acknowledge().run();
            taken.get(1).acknowledge().run(); // twice is once
            await().atMost(Duration.ofSeconds(10)).until(second::isComplete);
            assertTrue(acknowledgedOk(second));
            assertEquals(0, broker.heldPublishes());
            assertEquals(2, broker.heldReleased());
            assertEquals("{\"n\":1}", taken.get(0).payload());
            assertEquals("{\"n\":2}", taken.get(1).payload());
        } finally {
            box.disconnectForcibly(1_000, 1_000, false);
            box.close(true);
        }
    }

    @Test
    void whatTheInboxTookGoesToNoSubscriberAndIsNotRetained() throws Exception {
        acknowledgeAtOnce.set(true);
        start(60_000);
        MqttAsyncClient box = box("box-4");
        List<String> received = new CopyOnWriteArrayList<>();
        try {
            box.subscribe(new MqttSubscription("syncready/v1/box/box-4/#", 1), null, null,
                    (topic, m) -> received.add(topic), withSubscriptionId()).waitForCompletion(10_000);
            MqttMessage status = new MqttMessage("{\"n\":1}".getBytes(StandardCharsets.UTF_8), 1, true, null);
            box.publish("syncready/v1/box/box-4/status", status).waitForCompletion(10_000);
            MqttMessage state = new MqttMessage("{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true, null);
            box.publish("syncready/v1/box/box-4/state", state).waitForCompletion(10_000);
            // The state (not taken by the inbox) is routed as usual: once it is back, the status would have been too.
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("syncready/v1/box/box-4/state"));
            assertEquals(List.of("syncready/v1/box/box-4/state"), received);
            assertEquals(1, taken.size());
            received.clear();
            box.unsubscribe("syncready/v1/box/box-4/#").waitForCompletion(10_000);
            box.subscribe(new MqttSubscription("syncready/v1/box/box-4/#", 1), null, null,
                    (topic, m) -> received.add(topic), withSubscriptionId()).waitForCompletion(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("syncready/v1/box/box-4/state"));
            assertEquals(List.of("syncready/v1/box/box-4/state"), received, "only the state was kept retained");
        } finally {
            box.disconnectForcibly(1_000, 1_000, false);
            box.close(true);
        }
    }

    @Test
    void aPublishHeldTooLongClosesTheConnectionAndIsSentAgain() throws Exception {
        start(1_500);
        MqttAsyncClient box = box("box-2");
        IMqttToken lost = publish(box, "syncready/v1/box/box-2/status", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        // The store is failing: the inbox never acknowledges. The broker closes the connection rather
        // than answer with an error code.
        await().atMost(Duration.ofSeconds(15)).until(() -> !box.isConnected());
        assertFalse(acknowledgedOk(lost), "no successful PUBACK for a publish that was not kept");
        int[] codes = lost.getReasonCodes();
        assertTrue(codes == null || codes.length == 0 || !lost.isComplete() || lost.getException() != null,
                "no PUBACK with an error code either");
        assertEquals(1, broker.heldAbandoned());
        box.close(true);

        // The store recovers: the first copy is committed after all (its PUBACK goes nowhere), and the
        // box, back, sends it again (a client's CONNECT waits behind its held publish in the broker).
        acknowledgeAtOnce.set(true);
        taken.get(0).acknowledge().run();
        MqttAsyncClient again = box("box-2");
        try {
            IMqttToken resent = publish(again, "syncready/v1/box/box-2/status", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            resent.waitForCompletion(10_000);
            assertTrue(acknowledgedOk(resent));
            assertEquals(2, taken.size(), "the inbox saw the first try and the resent copy (the store drops the duplicate)");
            assertTrue(again.isConnected());
        } finally {
            again.disconnectForcibly(1_000, 1_000, false);
            again.close(true);
        }
    }

    @Test
    void whatABoxMayNotPublishOrIsTooLargeNeverReachesTheInbox() throws Exception {
        acknowledgeAtOnce.set(true);
        start(60_000);
        MqttAsyncClient box = box("box-3");
        try {
            IMqttToken tooLarge = publish(box, "syncready/v1/box/box-3/status", new byte[Protocol.MAX_PAYLOAD_BYTES + 1]);
            tooLarge.waitForCompletion(10_000);
            assertEquals(0x97, tooLarge.getReasonCodes()[0], "quota exceeded");
            assertEquals(1.0, metrics.count("syncready.ingest.rejected", "reason", "too_large"));
            IMqttToken ok = publish(box, "syncready/v1/box/box-3/status", "{}".getBytes(StandardCharsets.UTF_8));
            ok.waitForCompletion(10_000);
            assertTrue(acknowledgedOk(ok));
            IMqttToken foreign = publish(box, "syncready/v1/box/box-4/status", "{}".getBytes(StandardCharsets.UTF_8));
            try {
                foreign.waitForCompletion(10_000);
            } catch (org.eclipse.paho.mqttv5.common.MqttException deniedAndDisconnected) {
                // The broker denies it (0x87) and closes the connection.
            }
            assertEquals(1, taken.size(), "only box-3's own, small status was taken");
            assertEquals("syncready/v1/box/box-3/status", taken.get(0).topic());
        } finally {
            if (box.isConnected()) {
                box.disconnectForcibly(1_000, 1_000, false);
            }
            box.close(true);
        }
    }
}
