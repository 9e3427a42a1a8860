package org.syncready.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agent.yaml's equipment section: reading it, and what each item counts as ok. */
class EquipmentConfigTest {
    private static final String BASE = """
            boxId: box-1
            broker: {uri: "tcp://127.0.0.1:1883", password: secret}
            """;

    @TempDir
    Path dir;

    @Test
    void readsServersAndItems() throws Exception {
        Files.writeString(dir.resolve("equipment.pass"), "s3cret\n");
        AgentConfig c = load("""
                equipment:
                  timeoutMs: 1200
                  servers:
                    - endpoint: opc.tcp://10.0.0.5:4840/ctl
                      security: aes128-sha256-rsaoaep
                      mode: sign
                      username: syncready
                      passwordFile: equipment.pass
                      serverCertificateSha256: "AB:%s"
                      items:
                        - {name: display, role: display-power, node: "ns=2;s=Display.Power", expect: true}
                        - {name: mode, role: central-controller-mode, node: "ns=2;s=Mode", expect: CLASS}
                        - {name: temp, role: room-temperature, node: "ns=2;i=17", min: 16, max: 30, unit: "°C"}
                """.formatted("cd".repeat(31)));
        EquipmentConfig e = c.equipment();
        assertEquals(1200, e.timeoutMs());
        EquipmentConfig.Server s = e.servers().get(0);
        assertEquals(EquipmentConfig.Security.AES128_SHA256_RSAOAEP, s.security());
        assertEquals(EquipmentConfig.Mode.SIGN, s.mode());
        assertEquals("s3cret", s.password());
        assertEquals("ab" + "cd".repeat(31), s.serverCertificateSha256());
        assertFalse(s.toString().contains("s3cret"), "the password never reaches a log line");
        assertEquals(true, s.items().get(0).expect());
        assertEquals("= \"CLASS\"", s.items().get(1).expected());
        assertEquals("16..30", s.items().get(2).expected());
    }

    @Test
    void badValuesNameTheServerAndTheItem() throws Exception {
        String server = "equipment:\n  servers:\n    - endpoint: opc.tcp://h:4840\n      items:\n";
        assertError("equipment: {servers: [{items: [{name: a, role: r, node: \"i=1\", expect: 1}]}]}\n",
                "field 'equipment.servers[0].endpoint' is missing");
        assertError("equipment: {servers: [{endpoint: \"http://h:80\", items: [{name: a, role: r, node: \"i=1\", expect: 1}]}]}\n",
                "must look like opc.tcp://host:port");
        assertError("equipment: {servers: [{endpoint: \"opc.tcp://u:p@h:4840\", items: [{name: a, role: r, node: \"i=1\", expect: 1}]}]}\n",
                "must not contain a user name or password");
        assertError(server + "        - {name: a, role: r, node: \"Display.Power\", expect: true}\n",
                "field 'equipment.servers[0].items[0].node' must be an OPC UA node id");
        assertError(server + "        - {name: a, role: r, node: \"i=1\"}\n",
                "field 'equipment.servers[0].items[0].expect' is missing: give expect (a value) or min and/or max");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: 1, max: 3}\n", "cannot be set together with min/max");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", min: 5, max: 3}\n", "must not be above max");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: [1]}\n", "must be true, false, a number or a text");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: 1}\n        - {name: a, role: r, node: \"i=2\", expect: 1}\n",
                "field 'equipment.servers[0].items[1].name' repeats 'a'");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: 1}\n      username: u\n",
                "field 'equipment.servers[0].password' is missing");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: 1}\n      security: basic128\n",
                "must be one of none|basic256sha256|aes128-sha256-rsaoaep");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: 1}\n      serverCertificateSha256: abc\n",
                "must be 64 hex digits");
        assertError(server + "        - {name: a, role: r, node: \"i=1\", expect: 1}\n  timeoutMs: 2000\n",
                "field 'equipment.timeoutMs' must be below probeTimeoutMs (2000)");
    }

    @Test
    void anItemIsOkOnlyWithTheValueOrRangeItExpects() {
        EquipmentConfig.Item power = new EquipmentConfig.Item("d", "display-power", "i=1", true, null, null, null);
        assertNull(power.check(true));
        assertEquals("false, expected = true", power.check(false));
        EquipmentConfig.Item level = new EquipmentConfig.Item("s", "power-sequencer", "i=1", 1.0, null, null, null);
        assertNull(level.check(1L), "an integer 1 equals the number 1");
        assertEquals("2, expected = 1", level.check(2L));
        EquipmentConfig.Item mode = new EquipmentConfig.Item("m", "mode", "i=1", "CLASS", null, null, null);
        assertNull(mode.check("CLASS"));
        assertEquals("\"IDLE\", expected = \"CLASS\"", mode.check("IDLE"));
        EquipmentConfig.Item temp = new EquipmentConfig.Item("t", "room-temperature", "i=1", null, 18.0, 28.0, "°C");
        assertNull(temp.check(18.0));
        assertNull(temp.check(28L));
        assertEquals("31.5 °C is outside 18..28", temp.check(31.5));
        assertEquals("\"warm\" °C is not a number (expected 18..28)", temp.check("warm"));
        EquipmentConfig.Item lamp = new EquipmentConfig.Item("l", "projector-lamp-hours", "i=1", null, null, 2000.0, "h");
        assertEquals("<= 2000", lamp.expected());
        assertEquals("2400 h is outside <= 2000", lamp.check(2400L));
        assertEquals(">= 1", new EquipmentConfig.Item("x", "r", "i=1", null, 1.0, null, null).expected());
        assertEquals("no value", lamp.check(null));
    }

    private void assertError(String yaml, String expected) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private AgentConfig load(String extra) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, BASE + extra);
        return ConfigLoader.load(file);
    }
}
