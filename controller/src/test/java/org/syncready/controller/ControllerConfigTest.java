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
import org.junit.jupiter.api.Test;

class ControllerConfigTest {
    @Test
    void aCallerNamesOnlyWhatItChanges() {
        ControllerConfig defaults = ControllerConfig.builder(Path.of("data")).build();
        assertEquals("127.0.0.1", defaults.bindAddress());
        assertEquals(8080, defaults.httpPort());
        assertEquals(1883, defaults.mqttPort());
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
        assertEquals(0, test.echoPort());
        assertEquals(0, test.opcuaPort());
        assertEquals(fixed, test.clock());
    }

    @Test
    void toBuilderKeepsEveryOption() {
        ControllerConfig external = ControllerConfig.builder(Path.of("d")).bindAddress("10.0.0.2").httpPort(9090)
                .externalBroker("tcp://broker:1883", "node", "secret").ingestGroup("g").rawRetentionHours(6).demo(true)
                .profilesDir(Path.of("p")).readinessRules(Path.of("r.yaml")).zone(ZoneId.of("Asia/Urumqi")).build();
        ControllerConfig copy = external.toBuilder().mqttPort(2883).opcuaPort(ControllerConfig.OFF).build();
        assertEquals(-1, copy.opcuaPort());
        assertEquals(-1, copy.toBuilder().build().opcuaPort());
        assertEquals(2883, copy.mqttPort());
        assertEquals(9090, copy.httpPort());
        assertEquals("10.0.0.2", copy.bindAddress());
        assertFalse(copy.embeddedBroker());
        assertEquals("tcp://broker:1883", copy.brokerUri());
        assertEquals("node", copy.brokerUsername());
        assertEquals("secret", copy.brokerPassword());
        assertEquals("g", copy.ingestGroup());
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
        assertThrows(NullPointerException.class, () -> ControllerConfig.builder(null));
    }
}
