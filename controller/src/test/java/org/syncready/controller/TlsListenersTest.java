package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.tls.TlsIdentity;
import org.syncready.protocol.TlsTrust;

/** The broker's MQTT-over-TLS listener and HTTPS, with the certificate the controller made itself. */
class TlsListenersTest {
    @TempDir
    Path dir;

    @Test
    void aBoxPinningTheControllersCaConnectsAndOnePinningAnotherCaIsRefused() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir.resolve("c"))) {
            String password = api.registerBox("s1", "c1", "box-1");
            Controller c = api.controller;
            String uri = "ssl://127.0.0.1:" + c.mqttsPort();
            assertTrue(c.mqttsPort() > 0 && c.mqttsPort() != port(c.brokerUri()));

            MqttClient box = connect(uri, "box-1", password, TlsTrust.pinned(c.tls().caPem()));
            assertTrue(box.isConnected());
            box.disconnectForcibly(0, 2_000, true);
            box.close();
            // The certificate names localhost as well.
            MqttClient byName = connect("ssl://localhost:" + c.mqttsPort(), "box-1", password, TlsTrust.pinned(c.tls().caPem()));
            byName.disconnectForcibly(0, 2_000, true);
            byName.close();

            TlsIdentity otherCa = TlsIdentity.loadOrCreate(dir.resolve("other"), List.of("other"), Clock.systemUTC());
            MqttException refused = assertThrows(MqttException.class,
                    () -> connect(uri, "box-1", password, TlsTrust.pinned(otherCa.caPem())));
            assertTrue(TlsTrust.explain(refused).contains("not signed by the trusted CA"), TlsTrust.explain(refused));

            // Plain MQTT stays, for the controller's own client and tools on this machine.
            MqttClient plain = connect(c.brokerUri(), "box-1", password, null);
            plain.disconnectForcibly(0, 2_000, true);
            plain.close();
        }
    }

    @Test
    void httpsServesTheApiWithTheSameCertificate() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir.resolve("c"))) {
            Controller c = api.controller;
            HttpClient pinned = HttpClient.newBuilder().sslContext(TlsTrust.pinned(c.tls().caPem())).build();
            HttpResponse<String> health = pinned.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + c.httpsPort() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());

            // First contact by fingerprint: the same trust, anchored by the fingerprint printed at start.
            HttpClient byFingerprint = HttpClient.newBuilder().sslContext(TlsTrust.fingerprint(c.tls().caFingerprint())).build();
            assertEquals(200, byFingerprint.send(HttpRequest.newBuilder(URI.create("https://localhost:" + c.httpsPort() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            TlsIdentity otherCa = TlsIdentity.loadOrCreate(dir.resolve("other"), List.of("other"), Clock.systemUTC());
            HttpClient wrong = HttpClient.newBuilder().sslContext(TlsTrust.fingerprint(otherCa.caFingerprint())).build();
            Exception e = assertThrows(Exception.class, () -> wrong.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + c.httpsPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(TlsTrust.explain(e).contains("no certificate the controller presented has the SHA-256 fingerprint"),
                    TlsTrust.explain(e));
        }
    }

    @Test
    void aHostTheCertificateDoesNotNameIsRefused() throws Exception {
        // Bound to 127.0.0.2, a certificate naming ctl.example (and localhost, 127.0.0.1) but not 127.0.0.2.
        ControllerConfig config = ControllerConfig.builder(dir.resolve("c")).freePorts().bindAddress("127.0.0.2")
                .tlsHostnames(List.of("ctl.example")).build();
        try (ControllerFixture api = new ControllerFixture(config)) {
            Controller c = api.controller;
            MqttException refused = assertThrows(MqttException.class, () -> connect("ssl://127.0.0.2:" + c.mqttsPort(),
                    "box-1", "whatever", TlsTrust.pinned(c.tls().caPem())));
            assertTrue(TlsTrust.explain(refused).contains("does not name the host"), TlsTrust.explain(refused));
        }
    }

    @Test
    void theBrokersKeyStoreAndConfigAreOwnerOnly() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir.resolve("c"))) {
            Path conf = dir.resolve("c/broker/conf");
            for (String f : List.of("config.xml", "server.jks")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf.resolve(f))), f);
            }
            String xml = Files.readString(conf.resolve("config.xml"));
            assertTrue(xml.contains("<tls-tcp-listener>") && xml.contains("<port>" + api.controller.mqttsPort() + "</port>"), xml);
            assertNotNull(api.controller.tls().caFingerprint());
        }
    }

    static MqttClient connect(String uri, String boxId, String password, SSLContext trust) throws MqttException {
        MqttClient client = new MqttClient(uri, boxId, new MemoryPersistence());
        client.setTimeToWait(20_000);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(boxId);
        options.setPassword(password.getBytes());
        options.setConnectionTimeout(10);
        if (trust != null) {
            options.setSocketFactory(TlsTrust.noDelay(trust));
            options.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private static int port(String uri) {
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }
}
