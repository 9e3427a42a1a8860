package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.Channel;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.Topics;

/**
 * Bad input against a running controller: each bad message is refused and counted, the controller
 * keeps serving, and the good messages sent around it all arrive.
 */
class BadInputTest {
    @TempDir
    static Path data;
    static ControllerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ControllerFixture(data);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private double rejected(String reason) {
        return fixture.controller.metrics().count("syncready.ingest.rejected", "reason", reason);
    }

    /** Sends a good status, then {@code bad}, then another good status; both good ones must be stored. */
    private void sandwich(String boxId, ThrowingConsumer<RawBox> bad) throws Exception {
        String password = fixture.registerBox("school-" + boxId, "room-" + boxId, boxId);
        try (RawBox box = new RawBox(fixture.controller.brokerUri(), boxId, password)) {
            box.birth();
            box.status(DeviceState.OK);
            bad.accept(box);
        }
        // A fresh connection: some refusals (ACL) make the broker close the first one.
        try (RawBox again = new RawBox(fixture.controller.brokerUri(), boxId + "", password)) {
            // New connection, same boot and a higher seq: continues the stream.
            again.publishRaw(Topics.of(boxId, Channel.STATUS), statusJson(boxId, 100, "fault"));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ControllerFixture.Response history = fixture.get("/api/v1/boxes/" + boxId + "/history");
            assertEquals(200, history.status());
            assertEquals(2, history.body().path("items").size(), history.text());
            assertEquals("fault", history.body().path("items").get(1).path("status").path("cameras").get(0).path("state").asText());
        });
        assertEquals(200, fixture.get("/health").status());
    }

    static byte[] statusJson(String boxId, long seq, String cameraState) {
        return ("{\"v\":1,\"boxId\":\"" + boxId + "\",\"ts\":" + System.currentTimeMillis() + ",\"bootId\":\"boot-1\",\"seq\":" + seq
                + ",\"intervalS\":10,\"cameras\":[{\"id\":\"cam-1\",\"role\":\"teacher\",\"kind\":\"usb\",\"state\":\"" + cameraState + "\"}],"
                + "\"microphones\":[],\"network\":{\"link\":\"up\"},\"system\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void malformedJsonIsRejectedAndCounted() throws Exception {
        double before = rejected("bad_json");
        sandwich("box-malformed", box -> box.publishRaw(Topics.of(box.boxId, Channel.STATUS), "{\"v\":1,\"boxId\":".getBytes()));
        assertEquals(before + 1, rejected("bad_json"));
        assertTrue(fixture.metricsText().contains("syncready_ingest_rejected_total{reason=\"bad_json\"}"));
    }

    @Test
    void oneMebibytePayloadIsDroppedAtTheBroker() throws Exception {
        double before = rejected("too_large");
        sandwich("box-huge", box -> {
            byte[] huge = new byte[1024 * 1024];
            java.util.Arrays.fill(huge, (byte) 'x');
            try {
                box.publishRaw(Topics.of(box.boxId, Channel.STATUS), huge);
            } catch (MqttException refusedByBroker) {
                // MQTT 5 PUBACK with reason 0x97 (quota exceeded): refused, as intended.
            }
        });
        assertEquals(before + 1, rejected("too_large"));
    }

    @Test
    void unknownVersionIsRejectedAndCounted() throws Exception {
        double before = rejected("unsupported_version");
        sandwich("box-v2", box -> box.publishRaw(Topics.of(box.boxId, Channel.STATUS),
                new String(statusJson(box.boxId, 50, "ok"), StandardCharsets.UTF_8).replace("\"v\":1", "\"v\":2").getBytes()));
        assertEquals(before + 1, rejected("unsupported_version"));
    }

    @Test
    void aKeyTwiceIsRejectedAsBadJson() throws Exception {
        double before = rejected("bad_json");
        // Read last-wins this would be seq 51 and a faulted camera, while the stored text said seq 50 and ok.
        sandwich("box-twice", box -> box.publishRaw(Topics.of(box.boxId, Channel.STATUS),
                new String(statusJson(box.boxId, 50, "ok"), StandardCharsets.UTF_8)
                        .replace("\"seq\":50", "\"seq\":50,\"seq\":51").getBytes(StandardCharsets.UTF_8)));
        assertEquals(before + 1, rejected("bad_json"));
    }

    @Test
    void aStatusWithNineHundredFiftyCamerasIsRejectedAndWritesNoEvents() throws Exception {
        double before = rejected("invalid_field");
        StringBuilder cameras = new StringBuilder();
        for (int i = 0; i < 950; i++) {
            cameras.append(i == 0 ? "" : ",").append("{\"id\":\"c").append(i).append("\",\"role\":\"other\",\"kind\":\"usb\",\"state\":\"fault\"}");
        }
        sandwich("box-many-cams", box -> box.publishRaw(Topics.of(box.boxId, Channel.STATUS),
                new String(statusJson(box.boxId, 50, "ok"), StandardCharsets.UTF_8)
                        .replaceFirst("\"cameras\":\\[[^\\]]*\\]", "\"cameras\":[" + cameras + "]").getBytes(StandardCharsets.UTF_8)));
        assertEquals(before + 1, rejected("invalid_field"));
        ControllerFixture.Response events = fixture.get("/api/v1/boxes/box-many-cams/events");
        assertEquals(200, events.status(), events.text());
        assertTrue(events.body().path("items").size() < 20, "a handful of events, not one per camera: " + events.body().path("items").size());
    }

    @Test
    void payloadNamingAnotherBoxIsRejected() throws Exception {
        double before = rejected("box_mismatch");
        sandwich("box-liar", box -> box.publishRaw(Topics.of(box.boxId, Channel.STATUS), statusJson("box-someone-else", 60, "ok")));
        assertEquals(before + 1, rejected("box_mismatch"));
    }

    @Test
    void publishingIntoAnotherBoxsTopicIsDenied() throws Exception {
        String victimPassword = fixture.registerBox("school-victim", "room-victim", "box-victim");
        double before = fixture.controller.metrics().count("syncready.broker.acl.denied", "action", "publish");
        sandwich("box-intruder", box -> {
            try {
                box.publishRaw(Topics.of("box-victim", Channel.STATUS), statusJson("box-victim", 1, "fault"));
            } catch (MqttException deniedByBroker) {
                // PUBACK 0x87 not authorized; the broker then closes the connection.
            }
        });
        assertEquals(before + 1, fixture.controller.metrics().count("syncready.broker.acl.denied", "action", "publish"));
        assertEquals(0, fixture.get("/api/v1/boxes/box-victim/history").body().path("items").size());
        assertFalse(victimPassword.isEmpty());
    }

    @Test
    void wrongPasswordIsRefusedAtConnect() throws Exception {
        fixture.registerBox("school-pw", "room-pw", "box-pw");
        double before = fixture.controller.metrics().count("syncready.broker.auth.failures", "reason", "bad_credentials");
        MqttException e = assertThrows(MqttException.class,
                () -> new RawBox(fixture.controller.brokerUri(), "box-pw", "not-the-secret"));
        assertEquals(0x86, e.getReasonCode(), e.toString());
        assertThrows(MqttException.class, () -> new RawBox(fixture.controller.brokerUri(), "box-unregistered", "whatever"));
        assertThrows(MqttException.class, () -> new RawBox(fixture.controller.brokerUri(), "box-pw", "syncready-controller", "guess"));
        assertEquals(before + 3, fixture.controller.metrics().count("syncready.broker.auth.failures", "reason", "bad_credentials"));
        assertTrue(fixture.metricsText().contains("syncready_broker_auth_failures_total"));
        assertEquals(200, fixture.get("/health").status());
    }

    @Test
    void aHundredWrongPasswordConnectsWriteOneWarningLine() throws Exception {
        fixture.registerBox("school-retry", "room-retry", "box-retry");
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("org.syncready.controller.broker.BoxAccessControl");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            double before = fixture.controller.metrics().count("syncready.broker.auth.failures", "reason", "bad_credentials");
            for (int i = 0; i < 100; i++) {
                assertThrows(MqttException.class, () -> new RawBox(fixture.controller.brokerUri(), "box-retry", "stale-secret"));
            }
            assertEquals(before + 100, fixture.controller.metrics().count("syncready.broker.auth.failures", "reason", "bad_credentials"),
                    "every refusal is counted");
            java.util.List<String> warnings = lines.list.stream()
                    .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN && e.getFormattedMessage().contains("box-retry"))
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
            assertEquals(java.util.List.of("broker refused connection clientId=box-retry reason=bad_credentials"), warnings);
        } finally {
            logger.detachAppender(lines);
        }
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }
}
