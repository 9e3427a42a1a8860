package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.Channel;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.Topics;

/**
 * The controller acknowledges a message only once its rows are committed: while the store fails,
 * nothing is acknowledged (inside the broker the box itself gets no PUBACK; through the subscription
 * the broker keeps the messages), and everything is once it recovers.
 */
class IngestAcknowledgementTest {
    @TempDir
    Path dir;

    private static double counter(ControllerFixture api, String name) throws Exception {
        String line = api.metricsText().lines().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** Ingest inside the embedded broker (the default): the box's own PUBACK waits for the commit. */
    @Test
    void inTheBrokerTheBoxGetsNoPubackBeforeItIsCommitted() throws Exception {
        nothingIsAcknowledgedBeforeItIsCommitted(false);
    }

    /** Ingest through the controller's subscription: the broker keeps the message until ingest's acknowledgement. */
    @Test
    void throughTheSubscriptionNothingIsAcknowledgedBeforeItIsCommitted() throws Exception {
        nothingIsAcknowledgedBeforeItIsCommitted(true);
    }

    private void nothingIsAcknowledgedBeforeItIsCommitted(boolean throughSubscriber) throws Exception {
        try (ControllerFixture api = new ControllerFixture(ControllerConfig.builder(dir).freePorts()
                .ingestThroughSubscriber(throughSubscriber).build())) {
            String password = api.registerBox("s", "c", "box-ack");
            long seq;
            try (RawBox box = new RawBox(api.controller.brokerUri(), "box-ack", password)) {
                box.birth();
                box.status(DeviceState.OK);
                await().atMost(Duration.ofSeconds(20)).until(() -> counter(api, "syncready_ingest_acks_sent_total") >= 2);
                failInserts(dir.resolve("syncready.db"), true);
                double before = counter(api, "syncready_ingest_acks_sent_total");
                List<byte[]> statuses = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    statuses.add(box.nextStatus(DeviceState.OK));
                }
                box.client.disconnectForcibly(0, 2_000, true);
                MqttAsyncClient async = new MqttAsyncClient(api.controller.brokerUri(), "box-ack", new MemoryPersistence());
                MqttConnectionOptions options = new MqttConnectionOptions();
                options.setUserName("box-ack");
                options.setPassword(password.getBytes(StandardCharsets.UTF_8));
                async.connect(options).waitForCompletion(10_000);
                try {
                    List<IMqttToken> tokens = new ArrayList<>();
                    for (byte[] status : statuses) {
                        MqttMessage m = new MqttMessage(status);
                        m.setQos(1);
                        tokens.add(async.publish(Topics.of("box-ack", Channel.STATUS), m));
                    }
                    // Ingest waits for the store instead of running ahead of it.
                    await().pollDelay(3, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(() -> true);
                    assertEquals(before, counter(api, "syncready_ingest_acks_sent_total"), "nothing acknowledged while the store fails");
                    if (!throughSubscriber) {
                        assertTrue(tokens.stream().noneMatch(IMqttToken::isComplete), "the box got no PUBACK while the store fails");
                        // HiveMQ runs a client's extension calls in order, one at a time: the first status is
                        // held, the others wait behind it in the broker.
                        assertEquals(1, counter(api, "syncready_ingest_held"));
                    }
                    failInserts(dir.resolve("syncready.db"), false);
                    await().atMost(Duration.ofSeconds(30)).until(() -> counter(api, "syncready_ingest_acks_sent_total") >= before + 5);
                    for (IMqttToken t : tokens) {
                        t.waitForCompletion(10_000);
                        assertTrue(t.getReasonCodes() == null || t.getReasonCodes().length == 0 || t.getReasonCodes()[0] < 0x80);
                    }
                } finally {
                    async.disconnect().waitForCompletion(5_000);
                    async.close();
                }
                seq = new org.syncready.protocol.MessageCodec().decode(org.syncready.protocol.StatusMessage.class,
                        statuses.get(4)).seq();
            }
            long last = seq;
            await().atMost(Duration.ofSeconds(10)).until(() -> api.controller.fleet().snapshot("box-ack").orElseThrow()
                    .status().seq() == last);
            assertEquals(6, api.get("/api/v1/boxes/box-ack/history").body().path("items").size());
        }
    }

    /** A trigger makes every status insert fail as a full disk would; dropping it is the disk freed. */
    private static void failInserts(Path file, boolean fail) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute(fail ? "CREATE TRIGGER fail_inserts BEFORE INSERT ON box_status BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END"
                    : "DROP TRIGGER fail_inserts");
        }
    }
}
