package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerConfigTest {
    @Test
    void aCallerNamesOnlyWhatItChanges() {
        ControllerConfig defaults = ControllerConfig.builder(Path.of("data")).build();
        assertEquals("127.0.0.1", defaults.mqttBind());
        assertEquals("127.0.0.1", defaults.httpBind());
        assertEquals(8080, defaults.httpPort());
        assertEquals(1883, defaults.mqttPort());
        assertEquals(8443, defaults.httpsPort());
        assertEquals(8883, defaults.mqttsPort());
        assertNull(defaults.tlsCert());
        assertTrue(defaults.tlsHostnames().isEmpty());
        assertEquals(7947, defaults.echoPort());
        assertEquals(4840, defaults.opcuaPort());
        assertEquals(48, defaults.rawRetentionHours());
        assertEquals(ZoneId.of("Asia/Shanghai"), defaults.zone());
        assertTrue(defaults.embeddedBroker());
        assertNull(defaults.profilesDir());
        assertFalse(defaults.demo());

        Clock fixed = Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC);
        ControllerConfig test = ControllerConfig.builder(Path.of("data")).freePorts().clock(fixed).build();
        assertEquals(0, test.httpPort());
        assertEquals(0, test.mqttPort());
        assertEquals(0, test.httpsPort());
        assertEquals(0, test.mqttsPort());
        assertEquals(0, test.echoPort());
        assertEquals(0, test.opcuaPort());
        assertEquals(fixed, test.clock());
    }

    @Test
    void toBuilderKeepsEveryOption() {
        ControllerConfig external = ControllerConfig.builder(Path.of("d")).bindAddress("10.0.0.2").httpPort(9090)
                .externalBroker("tcp://broker:1883", "node", "secret").ingestGroup("g").rawRetentionHours(6).demo(true)
                .brokerAccounts(BrokerAccountsMode.MOSQUITTO_DYNSEC)
                .profilesDir(Path.of("p")).readinessRules(Path.of("r.yaml")).zone(ZoneId.of("Asia/Urumqi"))
                .httpBind("127.0.0.1").httpsPort(9443).mqttsPort(9883).tls(Path.of("c.pem"), Path.of("k.pem"), Path.of("ca.pem"))
                .tlsHostnames(List.of("ctl.example.edu.cn", " 10.0.0.2 ")).allowPlainOnNetwork(true).build();
        ControllerConfig copy = external.toBuilder().mqttPort(2883).opcuaPort(ControllerConfig.OFF).build();
        assertEquals(-1, copy.opcuaPort());
        assertEquals(-1, copy.toBuilder().build().opcuaPort());
        assertEquals(2883, copy.mqttPort());
        assertEquals(9090, copy.httpPort());
        assertEquals("10.0.0.2", copy.mqttBind());
        assertEquals("127.0.0.1", copy.httpBind());
        assertEquals(9443, copy.httpsPort());
        assertEquals(9883, copy.mqttsPort());
        assertEquals(Path.of("c.pem"), copy.tlsCert());
        assertEquals(Path.of("k.pem"), copy.tlsKey());
        assertEquals(Path.of("ca.pem"), copy.tlsCa());
        assertEquals(List.of("ctl.example.edu.cn", "10.0.0.2"), copy.tlsHostnames());
        assertTrue(copy.allowPlainOnNetwork());
        assertFalse(copy.embeddedBroker());
        assertEquals("tcp://broker:1883", copy.brokerUri());
        assertEquals("node", copy.brokerUsername());
        assertEquals("secret", copy.brokerPassword());
        assertEquals("g", copy.ingestGroup());
        assertEquals(BrokerAccountsMode.MOSQUITTO_DYNSEC, copy.brokerAccounts());
        assertEquals(6, copy.rawRetentionHours());
        assertTrue(copy.demo());
        assertEquals(Path.of("p"), copy.profilesDir());
        assertEquals(Path.of("r.yaml"), copy.readinessRules());
        assertEquals(ZoneId.of("Asia/Urumqi"), copy.zone());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        ControllerConfig.Builder b = ControllerConfig.builder(Path.of("d"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.httpPort(70_000)).getMessage().contains("httpPort"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.echoPort(-1)).getMessage().contains("echoPort"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.opcuaPort(-2)).getMessage().contains("opcuaPort (or -1: off)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.rawRetentionHours(0)).getMessage().contains("rawRetentionHours"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.mqttsPort(65_536)).getMessage().contains("mqttsPort"));
        assertThrows(NullPointerException.class, () -> ControllerConfig.builder(null));
        // A certificate without its key (or a CA without both) would leave the listeners half-configured.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ControllerConfig.builder(Path.of("d"))
                .tls(Path.of("c.pem"), null, null).build()).getMessage().contains("tlsKey"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ControllerConfig.builder(Path.of("d"))
                .tls(null, null, Path.of("ca.pem")).build()).getMessage().contains("tlsCa"));
        assertThrows(IllegalArgumentException.class, () -> b.mqttBind(" "));
    }

    @Test
    void plainListenersStayOnLoopbackUnlessAskedFor() {
        ControllerConfig local = ControllerConfig.builder(Path.of("d")).build();
        assertEquals("127.0.0.1", local.plainMqttBind());
        assertEquals("127.0.0.1", local.plainHttpBind());

        // --bind 0.0.0.0: TLS listeners there, plain ones stay on loopback (boxes cannot reach plain MQTT).
        ControllerConfig network = ControllerConfig.builder(Path.of("d")).bindAddress("0.0.0.0").build();
        assertEquals("0.0.0.0", network.mqttBind());
        assertEquals("0.0.0.0", network.httpBind());
        assertEquals("127.0.0.1", network.plainMqttBind());
        assertEquals("127.0.0.1", network.plainHttpBind());

        // Separate binds: the broker on the boxes' network, the API internal.
        ControllerConfig split = ControllerConfig.builder(Path.of("d")).mqttBind("10.20.0.5").httpBind("127.0.0.1").build();
        assertEquals("10.20.0.5", split.mqttBind());
        assertEquals("127.0.0.1", split.plainMqttBind());
        assertEquals("127.0.0.1", split.httpBind());

        ControllerConfig asked = network.toBuilder().allowPlainOnNetwork(true).build();
        assertEquals("0.0.0.0", asked.plainMqttBind());
        assertEquals("0.0.0.0", asked.plainHttpBind());

        // Another loopback address is loopback: plain stays where it was put.
        assertEquals("127.0.0.2", ControllerConfig.builder(Path.of("d")).bindAddress("127.0.0.2").build().plainMqttBind());
        assertTrue(ListenAddresses.isLoopback("localhost"));
        assertFalse(ListenAddresses.isLoopback("0.0.0.0"));
    }

    @Test
    void brokerAccountsInMosquittoNeedAnExternalBrokerAndItsLogin() {
        assertEquals(BrokerAccountsMode.NONE, ControllerConfig.builder(Path.of("d")).build().brokerAccounts());
        assertEquals(BrokerAccountsMode.NONE, BrokerAccountsMode.parse(null));
        assertEquals(BrokerAccountsMode.MOSQUITTO_DYNSEC, BrokerAccountsMode.parse("mosquitto-dynsec"));
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BrokerAccountsMode.parse("emqx"));
        assertTrue(unknown.getMessage().contains("none or mosquitto-dynsec"), unknown.getMessage());
        IllegalArgumentException embedded = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ControllerConfig.builder(Path.of("d")).brokerAccounts(BrokerAccountsMode.MOSQUITTO_DYNSEC).build());
        assertTrue(embedded.getMessage().contains("needs an external broker"), embedded.getMessage());
    }
}
