package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.TlsTrust;

/** Enrollment codes, redemption over HTTPS, secret rotation and revocation, through the HTTP API and the real broker. */
class EnrollmentApiTest {
    @TempDir
    Path dir;
    private ControllerFixture api;
    private HttpClient https;

    @BeforeEach
    void start() throws Exception {
        api = new ControllerFixture(dir.resolve("c"));
        api.registerBox("hexi", "hexi-g3", "box-existing");
        https = HttpClient.newBuilder().sslContext(TlsTrust.fingerprint(api.controller.tls().caFingerprint())).build();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private JsonNode createCode(String classroom) throws Exception {
        ControllerFixture.Response r = api.post("/api/v1/classrooms/" + classroom + "/enrollment-codes", "{\"ttlHours\": 24}");
        assertEquals(201, r.status(), r.text());
        return r.body();
    }

    private HttpResponse<String> enroll(String body) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.controller.httpsPort() + "/api/v1/enroll"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBoxEnrolledWithACodeConnectsOverTlsWithWhatTheAnswerGaveIt() throws Exception {
        JsonNode created = createCode("hexi-g3");
        String code = created.path("code").asText();
        assertEquals("pending", created.path("state").asText());
        assertEquals("hexi", created.path("schoolId").asText());
        assertEquals(api.controller.tls().caFingerprint(), created.path("caFingerprint").asText());
        assertTrue(created.path("command").asText().contains("--code " + code + " --ca-fingerprint "), created.toString());

        HttpResponse<String> r = enroll("{\"code\":\"" + code + "\",\"boxId\":\"box-new\",\"model\":\"SR-BOX-200\"}");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode answer = api.json.readTree(r.body());
        assertEquals("box-new", answer.path("boxId").asText());
        assertEquals("ssl://127.0.0.1:" + api.controller.mqttsPort(), answer.path("mqtt").path("uri").asText());
        assertEquals("https://127.0.0.1:" + api.controller.httpsPort(), answer.path("controller").path("url").asText());
        assertEquals(api.controller.echoPort(), answer.path("controller").path("echoPort").asInt());
        assertEquals(1, answer.path("config").path("publicKeys").size());
        String ca = answer.path("tls").path("caCertificate").asText();
        assertEquals(api.controller.tls().caFingerprint(), TlsTrust.fingerprint(TlsTrust.certificates(ca).get(0)));

        MqttClient box = TlsListenersTest.connect(answer.path("mqtt").path("uri").asText(), "box-new",
                answer.path("mqtt").path("password").asText(), TlsTrust.pinned(ca));
        assertTrue(box.isConnected());
        box.disconnectForcibly(0, 2_000, true);
        box.close();

        HttpResponse<String> again = enroll("{\"code\":\"" + code + "\"}");
        assertEquals(403, again.statusCode());
        assertTrue(again.body().contains("already used") && again.body().contains("已被使用"), again.body());

        JsonNode list = api.get("/api/v1/classrooms/hexi-g3/enrollment-codes").body();
        assertEquals("used", list.get(0).path("state").asText());
        assertEquals("box-new", list.get(0).path("usedByBox").asText());
        assertFalse(list.toString().contains(code), "the code is never listed");

        List<String> actions = api.json.readerForListOf(JsonNode.class).<List<JsonNode>>readValue(
                api.get("/api/v1/audit?action=enrollment").text()).stream().map(n -> n.path("action").asText()).toList();
        assertEquals(List.of("enrollment.redeem", "enrollment.redeem", "enrollment.code.create"), actions);
    }

    @Test
    void aRevokedCodeAndAnUnknownClassroomAreRefused() throws Exception {
        JsonNode created = createCode("hexi-g3");
        String path = "/api/v1/classrooms/hexi-g3/enrollment-codes/";
        ControllerFixture.Response revoked = api.delete(path + created.path("id").asText());
        assertEquals(200, revoked.status(), revoked.text());
        assertEquals("revoked", revoked.body().path("state").asText());
        assertEquals(409, api.delete(path + created.path("id").asText()).status());
        assertEquals(404, api.delete(path + "ec-nope").status());

        HttpResponse<String> r = enroll("{\"code\":\"" + created.path("code").asText() + "\"}");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("revoked") && r.body().contains("已被撤销"), r.body());

        assertEquals(404, api.post("/api/v1/classrooms/nowhere/enrollment-codes", "{}").status());
        assertEquals(400, api.post("/api/v1/classrooms/hexi-g3/enrollment-codes", "{\"ttlHours\": 500}").status());
        assertEquals(400, enroll("{}").statusCode(), "a code is required");
    }

    @Test
    void guessingCodesIsSlowedWithRetryAfter() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = enroll("{\"code\":\"2345-6789\"}");
            assertEquals(403, wrong.statusCode(), wrong.body());
            assertTrue(wrong.body().contains("注册码错误"), wrong.body());
        }
        HttpResponse<String> slowed = enroll("{\"code\":\"2345-6789\"}");
        assertEquals(429, slowed.statusCode(), slowed.body());
        long retry = Long.parseLong(slowed.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 12, "Retry-After " + retry);
    }

    @Test
    void rotatingASecretCutsTheBoxOffAtOnceAndOnlyTheNewSecretWorks() throws Exception {
        String old = api.registerBox("hexi", "hexi-g3", "box-rot");
        String uri = "ssl://127.0.0.1:" + api.controller.mqttsPort();
        MqttClient box = TlsListenersTest.connect(uri, "box-rot", old, TlsTrust.pinned(api.controller.tls().caPem()));
        AtomicBoolean lost = watch(box);

        ControllerFixture.Response r = api.post("/api/v1/boxes/box-rot/credentials", "");
        assertEquals(200, r.status(), r.text());
        String fresh = r.body().path("mqtt").path("password").asText();
        assertNotEquals(old, fresh);
        await().atMost(Duration.ofSeconds(5)).untilTrue(lost);
        box.close();

        MqttException refused = assertThrows(MqttException.class,
                () -> TlsListenersTest.connect(uri, "box-rot", old, TlsTrust.pinned(api.controller.tls().caPem())));
        assertEquals(134, refused.getReasonCode(), "bad user name or password");
        MqttClient again = TlsListenersTest.connect(uri, "box-rot", fresh, TlsTrust.pinned(api.controller.tls().caPem()));
        again.disconnectForcibly(0, 2_000, true);
        again.close();
        assertEquals(404, api.post("/api/v1/boxes/nobody/credentials", "").status());
    }

    @Test
    void aRevokedBoxIsDisconnectedAtOnceRefusedAfterwardsAndGoneFromTheFleet() throws Exception {
        String password = api.registerBox("hexi", "hexi-g3", "box-rev");
        String uri = "ssl://127.0.0.1:" + api.controller.mqttsPort();
        MqttClient box = TlsListenersTest.connect(uri, "box-rev", password, TlsTrust.pinned(api.controller.tls().caPem()));
        AtomicBoolean lost = watch(box);

        ControllerFixture.Response r = api.delete("/api/v1/boxes/box-rev");
        assertEquals(200, r.status(), r.text());
        assertTrue(r.body().path("revoked").asBoolean());
        await().atMost(Duration.ofSeconds(5)).untilTrue(lost);
        box.close();

        MqttException refused = assertThrows(MqttException.class,
                () -> TlsListenersTest.connect(uri, "box-rev", password, TlsTrust.pinned(api.controller.tls().caPem())));
        assertEquals(134, refused.getReasonCode());
        assertEquals(404, api.get("/api/v1/boxes/box-rev").status());
        assertEquals(404, api.delete("/api/v1/boxes/box-rev").status());

        // Audited by the route's policy once the answer is sent (the refused second DELETE too).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<JsonNode> revokes = api.json.readerForListOf(JsonNode.class).<List<JsonNode>>readValue(
                    api.get("/api/v1/audit?action=box.revoke").text());
            assertTrue(revokes.stream().anyMatch(n -> n.path("target").asText().contains("box-rev")
                    && n.path("result").asText().startsWith("ok") && n.path("actor").asText().equals("admin")), revokes.toString());
        });
    }

    private static AtomicBoolean watch(MqttClient client) {
        AtomicBoolean lost = new AtomicBoolean();
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                lost.set(true);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
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
        return lost;
    }
}
