package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.mosquitto.MosquittoAccounts;
import org.syncready.controller.mosquitto.MosquittoBroker;
import org.syncready.protocol.Channel;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.Topics;

/**
 * A whole controller on Debian's Mosquitto with {@code brokerAccounts: mosquitto-dynsec}: the
 * controller creates, re-keys and deletes each box's account in the dynamic-security plugin, and
 * Mosquitto (not the controller) then lets a box in, confines it to its own topics, and shuts it out.
 */
class ControllerOnMosquittoTest {
    @TempDir
    Path dir;

    private MosquittoBroker mosquitto;
    private ControllerFixture api;

    @BeforeEach
    void start() throws Exception {
        mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"));
        api = new ControllerFixture(config(dir.resolve("data")));
    }

    private ControllerConfig config(Path data) {
        // Through a shared subscription, as several nodes run: the operator's role must allow $share too.
        return ControllerConfig.builder(data).freePorts()
                .externalBroker(mosquitto.uri(), mosquitto.controllerUsername(), mosquitto.controllerPassword())
                .ingestGroup("nodes").brokerAccounts(BrokerAccountsMode.MOSQUITTO_DYNSEC).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void aRegisteredBoxLogsInWithItsSecretAndItsStatusIsIngested() throws Exception {
        String secret = api.registerBox("s", "c", "box-1");
        assertTrue(mosquitto.hasClient("box-1"), "the account is in Mosquitto once the API answered");
        try (RawBox box = new RawBox(mosquitto.uri(), "box-1", secret)) {
            box.client.subscribe(Topics.CONTROLLER_STATE, 1);
            box.birth();
            box.status(DeviceState.OK);
            await().atMost(Duration.ofSeconds(15)).until(() -> api.controller.fleet().snapshot("box-1")
                    .map(s -> s.status() != null).orElse(false));
        }
    }

    @Test
    void anEnrolledBoxGetsItsAccountToo() throws Exception {
        api.registerBox("s", "c", "box-first");
        ControllerFixture.Response code = api.post("/api/v1/classrooms/c/enrollment-codes", "{\"ttlHours\": 1}");
        assertEquals(201, code.status(), code.text());
        ControllerFixture.Response enrolled = api.as(null).post("/api/v1/enroll",
                "{\"code\":\"" + code.body().path("code").asText() + "\",\"boxId\":\"box-enrolled\"}");
        assertEquals(201, enrolled.status(), enrolled.text());
        try (RawBox box = new RawBox(mosquitto.uri(), "box-enrolled", enrolled.body().path("mqtt").path("password").asText())) {
            box.status(DeviceState.OK);
            await().atMost(Duration.ofSeconds(15)).until(() -> api.controller.fleet().snapshot("box-enrolled")
                    .map(s -> s.status() != null).orElse(false));
        }
    }

    @Test
    void aBoxCannotPublishOrSubscribeIntoAnotherBoxsTopics() throws Exception {
        String secret = api.registerBox("s", "c", "box-a");
        api.registerBox("s", "c", "box-b");
        try (RawBox a = new RawBox(mosquitto.uri(), "box-a", secret)) {
            // Mosquitto 2.0 answers a denied publish with a PUBACK and drops the message; the connection may stay.
            try {
                a.publishRaw(Topics.of("box-b", Channel.STATUS), a.nextStatus(DeviceState.OK));
            } catch (MqttException refused) {
                // a refusal the client reports is as good
            }
            int[] granted = a.client.subscribe(new String[] {Topics.boxTree("box-b"), Topics.ALL_BOXES}, new int[] {1, 1})
                    .getGrantedQos();
            assertTrue(granted[0] >= 0x80 && granted[1] >= 0x80, "subscriptions to others' topics refused: "
                    + java.util.Arrays.toString(granted));
            a.status(DeviceState.OK);
            await().atMost(Duration.ofSeconds(15)).until(() -> api.controller.fleet().snapshot("box-a")
                    .map(s -> s.status() != null).orElse(false));
        }
        // Box A's own status came through after the forged one: the forged one would have been first.
        assertTrue(api.controller.fleet().snapshot("box-b").map(s -> s.status() == null).orElse(true),
                "nothing reached the controller as box-b");
    }

    @Test
    void aWrongSecretOrAnotherClientIdIsRefused() throws Exception {
        String secret = api.registerBox("s", "c", "box-1");
        assertThrows(MqttException.class, () -> new RawBox(mosquitto.uri(), "box-1", "not-the-secret"));
        assertThrows(MqttException.class, () -> new RawBox(mosquitto.uri(), "box-unregistered", "whatever"));
        // Client id and user name are one: box-1's secret does not log in another client id.
        assertThrows(MqttException.class, () -> new RawBox(mosquitto.uri(), "box-2", "box-1", secret));
    }

    @Test
    void aRevokedBoxIsDisconnectedAtOnceAndRefusedOnReconnect() throws Exception {
        String secret = api.registerBox("s", "c", "box-1");
        try (RawBox box = new RawBox(mosquitto.uri(), "box-1", secret)) {
            assertTrue(box.client.isConnected());
            ControllerFixture.Response revoked = api.delete("/api/v1/boxes/box-1");
            assertEquals(200, revoked.status(), revoked.text());
            // Mosquitto closed the connection when the plugin deleted the client, before the API answered.
            await().atMost(Duration.ofSeconds(2)).until(() -> !box.client.isConnected());
        }
        assertFalse(mosquitto.hasClient("box-1"));
        assertThrows(MqttException.class, () -> new RawBox(mosquitto.uri(), "box-1", secret));
    }

    @Test
    void aRotatedSecretReplacesTheOldOneAtOnce() throws Exception {
        String old = api.registerBox("s", "c", "box-1");
        try (RawBox box = new RawBox(mosquitto.uri(), "box-1", old)) {
            ControllerFixture.Response rotated = api.post("/api/v1/boxes/box-1/credentials", "{}");
            assertEquals(200, rotated.status(), rotated.text());
            String fresh = rotated.body().path("mqtt").path("password").asText();
            assertNotEquals(old, fresh);
            await().atMost(Duration.ofSeconds(2)).until(() -> !box.client.isConnected());
            assertThrows(MqttException.class, () -> new RawBox(mosquitto.uri(), "box-1", old));
            try (RawBox again = new RawBox(mosquitto.uri(), "box-1", fresh)) {
                again.status(DeviceState.OK);
            }
        }
    }

    @Test
    void withMosquittoDownARegistrationIsRefusedAndLeavesNothing() throws Exception {
        api.registerBox("s", "c", "box-1");
        mosquitto.stop();
        long started = System.nanoTime();
        ControllerFixture.Response refused = api.post("/api/v1/boxes",
                "{\"id\":\"box-2\",\"classroomId\":\"c\",\"model\":\"generic-recorder-a\"}");
        assertEquals(503, refused.status(), refused.text());
        assertTrue(refused.text().contains("not registered"), refused.text());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(15).toNanos(), "refused within the request time limit");
        assertEquals(404, api.get("/api/v1/boxes/box-2").status(), "not in the registry");
        // Nor can a box be revoked behind Mosquitto's back: it would stay able to log in.
        assertEquals(503, api.delete("/api/v1/boxes/box-1").status());
        assertEquals(200, api.get("/api/v1/boxes/box-1").status());

        mosquitto.restart();
        assertFalse(mosquitto.hasClient("box-2"));
        ControllerFixture.Response registered = api.post("/api/v1/boxes",
                "{\"id\":\"box-2\",\"classroomId\":\"c\",\"model\":\"generic-recorder-a\"}");
        assertEquals(201, registered.status(), "the id stayed free: " + registered.text());
        try (RawBox box = new RawBox(mosquitto.uri(), "box-2", registered.body().path("mqtt").path("password").asText())) {
            assertTrue(box.client.isConnected());
        }
    }

    @Test
    void reconcilingAtStartDeletesAccountsOfBoxesNoLongerRegistered() throws Exception {
        api.registerBox("s", "c", "box-kept");
        // What a controller that died between deleting a box and its account, or a restored store, leaves behind.
        mosquitto.dynsec("createRole", MosquittoAccounts.BOX_ROLE_PREFIX + "box-ghost");
        mosquitto.dynsec("createClient", "box-ghost", "-p", "ghost-secret");
        mosquitto.dynsec("addClientRole", "box-ghost", MosquittoAccounts.BOXES_ROLE, "1");
        mosquitto.dynsec("createRole", MosquittoAccounts.BOX_ROLE_PREFIX + "box-orphan-role");
        // An operator's own client is not the controller's to delete.
        mosquitto.dynsec("createClient", "operator-tool", "-p", "tool-secret");
        api.close();
        api = null;

        api = new ControllerFixture(config(dir.resolve("data")));
        await().atMost(Duration.ofSeconds(20)).until(() -> !mosquitto.hasClient("box-ghost"));
        assertFalse(mosquitto.dynsec("listRoles").contains(MosquittoAccounts.BOX_ROLE_PREFIX + "box-orphan-role"));
        assertFalse(mosquitto.dynsec("listRoles").contains(MosquittoAccounts.BOX_ROLE_PREFIX + "box-ghost"));
        assertTrue(mosquitto.hasClient("box-kept"));
        assertTrue(mosquitto.hasClient("operator-tool"));
        assertTrue(mosquitto.hasClient(MosquittoBroker.CONTROLLER_USERNAME));
    }
}
