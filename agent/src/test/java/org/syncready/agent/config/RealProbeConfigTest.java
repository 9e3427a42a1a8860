package org.syncready.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agent.yaml sections of the real probes: microphones, controller, ntp, stream. */
class RealProbeConfigTest {
    private static final String BASE = """
            boxId: box-1
            broker: {uri: "tcp://127.0.0.1:1883", password: secret}
            """;

    @TempDir
    Path dir;

    @Test
    void readsEverySection() throws Exception {
        AgentConfig c = load("""
                microphones:
                  windowMs: 500
                  silenceFloorDbfs: -55.5
                  clippingShare: 0.01
                  alsaRoot: fixtures/asound
                  devices:
                    - {id: mic-teacher, role: teacher, device: "hw:1,0"}
                controller: {url: "http://ctl:8080", echoPort: 9000, echoIntervalS: 30, uplinkIntervalS: 600, uplinkBytes: 65536}
                ntp: {server: ntp.example.org, intervalS: 120}
                stream: {target: "rtmp://u:p@s/live/k", progressFile: run/enc.progress}
                """);
        assertEquals(500, c.microphones().windowMs());
        assertEquals(-55.5, c.microphones().silenceFloorDbfs());
        assertEquals(0.01, c.microphones().clippingShare());
        assertEquals(dir.resolve("fixtures/asound"), c.microphones().alsaRoot());
        assertEquals(List.of(new AgentConfig.AudioInput("mic-teacher", "teacher", "hw:1,0")), c.microphones().devices());
        assertEquals("ctl", c.controller().echoHostOrUrlHost());
        assertEquals(9000, c.controller().echoPort());
        assertEquals(50, c.controller().echoCount(), "default");
        assertEquals(123, c.ntp().port(), "default");
        assertEquals(AgentConfig.Encoder.FFMPEG, c.stream().encoder());
        assertEquals(dir.resolve("run/enc.progress"), c.stream().progressFile());
        assertEquals(10, c.stream().staleAfterS());
        assertTrue(!c.stream().toString().contains("u:p"), "the target's credentials stay out of logs");
    }

    @Test
    void absentSectionsMeanDefaultsOrOff() throws Exception {
        AgentConfig c = load("");
        assertEquals(AgentConfig.Microphones.DEFAULT, c.microphones());
        assertNull(c.controller());
        assertNull(c.ntp());
        assertNull(c.stream());
        assertTrue(c.equipment().isEmpty());
    }

    @Test
    void badValuesNameTheField() throws Exception {
        assertError("microphones: {windowMs: 10}\n", "field 'microphones.windowMs'");
        assertError("microphones: {silenceFloorDbfs: loud}\n", "field 'microphones.silenceFloorDbfs' must be a number");
        assertError("microphones: {clippingShare: 2}\n", "field 'microphones.clippingShare' must be between 0.0 and 1.0");
        assertError("microphones: {devices: [{id: m}]}\n", "microphones.devices[0].device");
        assertError("microphones: {devices: [{id: m, device: a}, {id: m, device: b}]}\n", "has two entries with id 'm'");
        assertError("controller: {echoPort: 7947}\n", "controller.url");
        assertError("controller: {url: \"ftp://x\"}\n", "field 'controller.url' must look like https://host:8443");
        assertError("controller: {url: \"http://x\", uplinkBytes: 99999999}\n", "controller.uplinkBytes");
        assertError("controller: {url: \"http://x\", echoRate: 3}\n", "field 'controller.echoRate' is not a known field");
        assertError("ntp: {port: 123}\n", "ntp.server");
        assertError("stream: {target: \"rtmp://s/live\"}\n", "stream.progressFile");
        assertError("stream: {encoder: gstreamer, target: \"rtmp://s/l\", progressFile: p}\n", "field 'stream.encoder' must be one of ffmpeg");
        assertError("stream: {target: \"nohost\", progressFile: p}\n", "field 'stream.target' must be a URL");
    }

    @Test
    void theShippedExampleConfiguresEveryRealProbeOnceItsPlaceholdersAreSet() throws Exception {
        AgentConfig c = ConfigLoader.load(ExampleConfigs.withPlaceholdersUncommented(dir));
        assertEquals("http://127.0.0.1:8080", c.controller().url());
        assertEquals(7947, c.controller().echoPort());
        assertEquals("ntp.district.edu.cn", c.ntp().server());
        assertEquals(Path.of("/run/syncready/encoder.progress"), c.stream().progressFile());
        assertEquals(2, c.microphones().devices().size());
        assertEquals(List.of("controller", "stream-server"), c.probeTargets().stream().map(AgentConfig.Target::name).toList());
        assertEquals(List.of("display", "room-temp", "projector-lamp", "sequencer"),
                c.equipment().servers().get(0).items().stream().map(EquipmentConfig.Item::name).toList());
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
