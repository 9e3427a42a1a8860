package org.syncready.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.agent.config.ExampleConfigs;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkTarget;

/**
 * agent.example.yaml (also the Debian package's /etc/syncready/agent.yaml) on a fresh box: only what
 * the operator must set is set; sample cameras, microphones, NTP and stream servers are commented
 * placeholders, so a box reports what it has (discovered V4L2 cameras and ALSA capture devices) and
 * no fault that comes from the example itself.
 */
class ExampleConfigTest {
    @TempDir
    Path dir;

    @Test
    void placeholdersAreCommentedAndDevicesAreDiscovered() throws Exception {
        AgentConfig c = ConfigLoader.load(ExampleConfigs.SHIPPED);
        assertEquals(List.of(), c.cameras(), "no sample cameras: USB cameras are discovered, IP cameras listed by the operator");
        assertEquals(List.of(), c.microphones().devices(), "no sample sound card: every ALSA capture device is probed");
        assertNull(c.ntp(), "no public NTP server: the school's own, once set");
        assertNull(c.stream(), "no sample stream server");
        assertEquals(List.of(new AgentConfig.Target("broker", "127.0.0.1", 1883)), c.probeTargets(),
                "the target is the broker the operator sets");
        for (String line : Files.readAllLines(ExampleConfigs.SHIPPED)) {
            if (line.contains("EXAMPLE") && !line.startsWith("# ")) {
                assertTrue(line.strip().startsWith("#"), "an EXAMPLE placeholder is active: " + line);
            }
        }
    }

    /** What the issue saw: the old example's samples were four problems on a box without them. Now none. */
    @Test
    void aFreshBoxReportsNoFaultFromTheExample() throws Exception {
        try (ServerSocket broker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // The operator sets the broker (here a local listener standing in for the controller's).
            AgentConfig c = ConfigLoader.load(ExampleConfigs.SHIPPED, Map.of(
                    "broker.uri", "tcp://127.0.0.1:" + broker.getLocalPort(),
                    "dataDir", dir.toString()));
            ProbeSet probes = new ProbeSet(c, null);
            try {
                Snapshot s = probes.run();
                for (CameraStatus cam : s.cameras()) {
                    assertEquals(DeviceState.OK, cam.state(), "discovered camera " + cam.id() + ": " + cam.error());
                }
                for (MicrophoneStatus mic : s.microphones()) {
                    assertTrue(mic.state() == DeviceState.OK || mic.state() == DeviceState.DEGRADED,
                            "discovered microphone " + mic.id() + " " + mic.state() + ": " + mic.error());
                }
                assertTrue(s.network().targets().stream().allMatch(NetworkTarget::reachable), s.network().targets().toString());
                assertEquals(Map.of(), s.probeErrors());
                assertNull(s.stream());
                assertNull(s.network().ntpOffsetMs(), "NTP not measured until a server is set");
            } finally {
                probes.close();
            }
        }
    }

    /** Uncommented, the placeholders are a valid configuration (and what a box with that hardware would use). */
    @Test
    void placeholdersUncommentedAreValid() throws Exception {
        AgentConfig c = ConfigLoader.load(ExampleConfigs.withPlaceholdersUncommented(dir));
        assertEquals(List.of("cam-teacher", "cam-board", "cam-wide"), c.cameras().stream().map(x -> x.id()).toList());
        assertEquals(List.of("mic-teacher", "mic-room"), c.microphones().devices().stream().map(AgentConfig.AudioInput::id).toList());
        assertEquals("ntp.district.edu.cn", c.ntp().server());
        assertEquals("rtmp://stream.district.edu.cn/live/lead-01", c.stream().target());
    }
}
