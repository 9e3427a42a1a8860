package org.syncready.agent.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.Probe;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

/** Every fault of the control interface (docs/SIMULATION.md), applied as the simulate command applies it. */
class FaultControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AgentConfig.Simulation SIM = AgentConfig.Simulation.DEFAULT;
    private static final List<AgentConfig.Target> TARGETS = List.of(new AgentConfig.Target("controller", "10.0.0.1", 1883),
            new AgentConfig.Target("stream", "stream.example.org", 1935));

    private final SimulatedFaults faults = new SimulatedFaults(List.of("cam-teacher", "cam-student", "cam-blackboard"),
            List.of("mic-teacher", "mic-room"));
    private final AtomicLong clock = new AtomicLong(1_772_407_800_000L);
    private final SimulatedCameraProbe cameras = new SimulatedCameraProbe(SIM.cameras(), faults, 11);
    private final SimulatedMicrophoneProbe microphones = new SimulatedMicrophoneProbe(SIM.microphones(), null, faults, clock::get, 12);
    private final SimulatedNetworkProbe network = new SimulatedNetworkProbe(TARGETS, faults, clock::get, 13);
    private final SimulatedStreamProbe stream = new SimulatedStreamProbe("box-1", faults, 14);
    private final SimulatedSystemProbe system = new SimulatedSystemProbe(new HostSystem(), faults, 15);

    @Test
    void everyCameraFaultReadsAsTheRealProbeWouldReportIt() throws Exception {
        apply("{\"cameras\": {\"cam-teacher\": \"frozen\", \"cam-student\": \"black\", \"cam-blackboard\": \"absent\"}}");
        List<CameraStatus> cams = cameras.sample();
        assertEquals(DeviceState.FAULT, cams.get(0).state());
        assertEquals(Boolean.TRUE, cams.get(0).frozen());
        assertEquals("picture frozen", cams.get(0).error());
        assertEquals(25.0, cams.get(0).fps(), "a frozen picture still arrives");
        assertEquals(DeviceState.FAULT, cams.get(1).state());
        assertEquals(Boolean.TRUE, cams.get(1).black());
        assertEquals("picture black", cams.get(1).error());
        assertEquals(DeviceState.ABSENT, cams.get(2).state());
        assertNull(cams.get(2).fps());

        apply("{\"cameras\": {\"cam-teacher\": \"fault\", \"cam-student\": \"ok\", \"cam-blackboard\": null}}");
        cams = cameras.sample();
        assertEquals(DeviceState.FAULT, cams.get(0).state());
        assertEquals(0.0, cams.get(0).fps());
        assertEquals(Boolean.FALSE, cams.get(0).frozen());
        assertEquals(DeviceState.OK, cams.get(1).state());
        assertEquals(DeviceState.OK, cams.get(2).state());
    }

    @Test
    void everyMicrophoneFault() throws Exception {
        apply("{\"microphones\": {\"mic-teacher\": \"silent\", \"mic-room\": \"clipping\"}}");
        List<MicrophoneStatus> mics = microphones.sample();
        assertEquals(DeviceState.FAULT, mics.get(0).state());
        assertTrue(mics.get(0).levelDbfs() < -80, "silence: " + mics.get(0).levelDbfs());
        assertTrue(mics.get(1).clipping());
        assertEquals(0.0, mics.get(1).peakDbfs());
        apply("{\"microphones\": {\"mic-teacher\": \"muted\", \"mic-room\": \"ok\"}}");
        mics = microphones.sample();
        assertTrue(mics.get(0).muted());
        assertEquals(DeviceState.OK, mics.get(1).state());
    }

    @Test
    void networkFiguresAreSwitchedOneByOneAndReportedExactly() throws Exception {
        NetworkStatus healthy = network.sample();
        apply("{\"uplinkKbps\": 200}");
        NetworkStatus n = network.sample();
        assertEquals(200, n.uplinkKbps());
        assertTrue(n.rttMs() < 50 && n.jitterMs() < 10 && n.lossPct() == 0.0, "the rest stays healthy: " + n);

        apply("{\"uplinkKbps\": null, \"rttMs\": 320}");
        n = network.sample();
        assertEquals(320.0, n.rttMs());
        assertTrue(n.uplinkKbps() > 15_000, "uplink healthy again: " + n.uplinkKbps());
        assertTrue(n.jitterMs() < 10, "RTT alone, no jitter: " + n.jitterMs());
        assertTrue(n.targets().get(0).rttMs() > 300, "the targets' connect times follow the RTT");

        apply("{\"rttMs\": null, \"jitterMs\": 45}");
        n = network.sample();
        assertEquals(45.0, n.jitterMs());
        assertTrue(n.rttMs() < 50, "jitter alone: " + n.rttMs());

        apply("{\"jitterMs\": null, \"lossPct\": 10}");
        n = network.sample();
        assertEquals(10.0, n.lossPct());
        assertTrue(n.jitterMs() < 10 && n.rttMs() < 50);
        assertEquals("up", n.link());

        apply("{\"reset\": true}");
        n = network.sample();
        assertEquals(0.0, n.lossPct());
        assertEquals(healthy.link(), n.link());
    }

    @Test
    void clockOffsetSkewsTheBoxClockAndShowsAsNtpOffset() throws Exception {
        apply("{\"clockOffsetMs\": 3000}");
        assertEquals(3000, faults.clockOffsetMs());
        NetworkStatus n = network.sample();
        assertTrue(Math.abs(n.ntpOffsetMs() - 3000) <= 40, "ntpOffsetMs " + n.ntpOffsetMs());
        assertEquals(clock.get() + 3000, n.uplinkMeasuredAt(), "measured on the skewed box clock");
        apply("{\"clockOffsetMs\": -90000}");
        assertTrue(network.sample().ntpOffsetMs() < -89_000);
        apply("{\"clockOffsetMs\": null}");
        assertEquals(0, faults.clockOffsetMs());
        assertTrue(Math.abs(network.sample().ntpOffsetMs()) <= 40);
    }

    @Test
    void diskFreeReplacesTheHostsDiskAndKeepsTheRest() throws Exception {
        SystemStatus healthy = system.sample();
        assertTrue(healthy.diskFreeMb() >= Healthy.DISK_MIN_MB, "a roomy simulated disk, not the build machine's: " + healthy);
        assertEquals(12.5, healthy.cpuPct(), "CPU from the host probe");
        apply("{\"diskFreeMb\": 49}");
        assertEquals(49L, system.sample().diskFreeMb());
        assertEquals(12.5, system.sample().cpuPct());
    }

    @Test
    void streamStoppedAndServerUnreachableAreTold() throws Exception {
        apply("{\"stream\": \"stopped\"}");
        StreamStatus s = stream.sample();
        assertFalse(s.pushing());
        assertEquals(Boolean.TRUE, s.targetReachable());
        assertTrue(network.sample().targets().stream().allMatch(t -> t.reachable()));

        apply("{\"stream\": \"unreachable\"}");
        s = stream.sample();
        assertFalse(s.pushing());
        assertEquals(Boolean.FALSE, s.targetReachable());
        assertTrue(s.error().contains("not reachable"), s.error());
        NetworkStatus n = network.sample();
        assertTrue(n.targets().get(0).reachable(), "the controller is still reachable");
        assertFalse(n.targets().get(1).reachable(), "the stream server is not");

        apply("{\"stream\": \"ok\"}");
        assertTrue(stream.sample().pushing());
    }

    @Test
    void networkDownTakesTheStreamWithIt() throws Exception {
        apply("{\"networkDown\": true}");
        assertEquals("down", network.sample().link());
        assertFalse(stream.sample().pushing());
        apply("{\"networkDown\": false}");
        assertEquals("up", network.sample().link());
    }

    @Test
    void healthyFiguresMoveButNeverCrossTheDefaultReadinessRules() throws Exception {
        // The default rules (controller readiness-rules.yaml): rtt 150, jitter 30, loss 1 %, clock 500 ms,
        // uplink 2 x 4000 x 1.25 for a lead box, disk ~2.7 GB for 45 min at 8 Mbit/s.
        java.util.Set<Double> rtts = new java.util.HashSet<>();
        for (int i = 0; i < 5000; i++) {
            NetworkStatus n = network.sample();
            rtts.add(n.rttMs());
            assertTrue(n.rttMs() >= Healthy.RTT_MIN_MS && n.rttMs() <= Healthy.RTT_MAX_MS && n.rttMs() < 150, "rtt " + n.rttMs());
            assertTrue(n.jitterMs() <= Healthy.JITTER_MAX_MS && n.jitterMs() < 30, "jitter " + n.jitterMs());
            assertEquals(0.0, n.lossPct());
            assertTrue(n.uplinkKbps() >= Healthy.UPLINK_MIN_KBPS && n.uplinkKbps() >= 10_000, "uplink " + n.uplinkKbps());
            assertTrue(Math.abs(n.ntpOffsetMs()) <= Healthy.NTP_MAX_MS && Math.abs(n.ntpOffsetMs()) < 500, "ntp " + n.ntpOffsetMs());
            assertTrue(n.targets().stream().allMatch(t -> t.reachable()));
            assertTrue(system.sample().diskFreeMb() > 2_700);
            assertTrue(stream.sample().pushing());
            assertTrue(cameras.sample().stream().allMatch(c -> c.state() == DeviceState.OK && !c.frozen()));
            assertTrue(microphones.sample().stream().allMatch(m -> m.state() == DeviceState.OK && !m.muted() && !m.clipping()));
        }
        assertTrue(rtts.size() > 50, "realistic: the figures do move (" + rtts.size() + " distinct RTTs)");
    }

    @Test
    void aChangeNamingAnUnknownDeviceChangesNothing() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        faults.onChange(changes::incrementAndGet);
        apply("{\"rttMs\": 200}");
        FaultChange.InvalidFaults e = assertThrows(FaultChange.InvalidFaults.class,
                () -> apply("{\"rttMs\": 300, \"cameras\": {\"cam-nope\": \"frozen\"}}"));
        assertEquals("/cameras/cam-nope", e.problems().get(0).field());
        assertTrue(e.getMessage().contains("[cam-blackboard, cam-student, cam-teacher]"), e.getMessage());
        assertEquals(200.0, faults.current().rttMs(), "the valid part was not applied either");
        assertEquals(1, changes.get());
        apply("{}");
        assertEquals(1, changes.get(), "an empty change is a question, not a switch");
    }

    @Test
    void inJvmSwitchesAndCommandChangesShareOneState() throws Exception {
        faults.cameraFault("cam-teacher", "no frames for 40 s");
        assertEquals(FaultSet.CameraFault.FAULT, faults.current().cameras().get("cam-teacher"));
        assertEquals("no frames for 40 s", cameras.sample().get(0).error());
        faults.highRtt(250);
        apply("{\"lossPct\": 3}");
        assertEquals(List.of("camera cam-teacher: fault", "rtt 250.0 ms", "loss 3.0 %"), faults.active());
        apply("{\"cameras\": {\"cam-teacher\": \"frozen\"}}");
        assertEquals("picture frozen", cameras.sample().get(0).error(), "a new fault, the standard text");
        faults.clearAll();
        assertTrue(faults.current().healthy());
    }

    @Test
    void startingFaultsComeFromTheFleetFile() {
        SimulatedFaults started = new SimulatedFaults(List.of("cam-1"), List.of("mic-1"),
                FaultSet.NONE.withCamera("cam-1", FaultSet.CameraFault.ABSENT).withDiskFreeMb(10L));
        assertEquals(DeviceState.ABSENT, new SimulatedCameraProbe(List.of(new AgentConfig.Camera("cam-1", null, null)),
                started, 1).sample().get(0).state());
        assertThrows(IllegalArgumentException.class, () -> new SimulatedFaults(List.of("cam-1"), List.of(),
                FaultSet.NONE.withMicrophone("mic-9", FaultSet.MicrophoneFault.SILENT)));
    }

    private FaultSet apply(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return faults.apply(FaultChange.parse(node));
    }

    /** The host's system probe, with fixed figures. */
    private static final class HostSystem implements Probe<SystemStatus> {
        @Override
        public String name() {
            return "system";
        }

        @Override
        public SystemStatus sample() {
            return new SystemStatus(12.5, 40.0, 900L, 55.0, 3600L);
        }
    }
}
