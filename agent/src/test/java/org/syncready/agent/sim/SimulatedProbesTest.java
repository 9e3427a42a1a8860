package org.syncready.agent.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.ProbeResult;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;

class SimulatedProbesTest {
    private static final AgentConfig.Simulation SIM = AgentConfig.Simulation.DEFAULT;
    private static final List<AgentConfig.Target> TARGETS = List.of(new AgentConfig.Target("controller", "10.0.0.1", 1883));

    private final SimulatedFaults faults = new SimulatedFaults(List.of("cam-teacher", "cam-student", "cam-blackboard"),
            List.of("mic-teacher", "mic-room"));
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final SimulatedCameraProbe cameras = new SimulatedCameraProbe(SIM.cameras(), faults, 1);
    private final SimulatedMicrophoneProbe microphones = new SimulatedMicrophoneProbe(SIM.microphones(),
            new AgentConfig.FlakyMicrophone("mic-room", 30), faults, clock::get, 2);
    private final SimulatedNetworkProbe network = new SimulatedNetworkProbe(TARGETS, faults, 3);
    private final SimulatedStreamProbe stream = new SimulatedStreamProbe("box-1", faults, 4);

    @Test
    void healthyValuesArePlausible() {
        for (int i = 0; i < 50; i++) {
            for (CameraStatus c : cameras.sample()) {
                assertEquals(DeviceState.OK, c.state());
                assertEquals(1920, c.width());
                assertEquals(1080, c.height());
                assertTrue(c.fps() >= 24.9 && c.fps() <= 25.0);
                assertTrue(c.bitrateKbps() > 3400 && c.bitrateKbps() < 4600, "about 4000 kbps: " + c.bitrateKbps());
            }
            MicrophoneStatus mic = microphones.sample().get(0);
            assertTrue(mic.levelDbfs() >= -45 && mic.levelDbfs() <= -18, "around -30 dBFS: " + mic.levelDbfs());
            assertTrue(mic.peakDbfs() > mic.levelDbfs());
            NetworkStatus n = network.sample();
            assertEquals("up", n.link());
            assertTrue(n.rttMs() > 10 && n.rttMs() < 30, "about 20 ms: " + n.rttMs());
            assertTrue(n.targets().get(0).reachable());
            assertTrue(stream.sample().pushing());
        }
    }

    @Test
    void everyFaultShowsInItsProbeAndClears() {
        faults.cameraFault("cam-student", "no signal");
        faults.cameraAbsent("cam-blackboard");
        faults.microphoneClipping("mic-teacher");
        faults.microphoneMuted("mic-room");
        faults.highRtt(250);
        faults.streamStopped();

        List<CameraStatus> cams = cameras.sample();
        assertEquals(DeviceState.OK, cams.get(0).state());
        assertEquals(DeviceState.FAULT, cams.get(1).state());
        assertEquals("no signal", cams.get(1).error());
        assertEquals(0.0, cams.get(1).fps());
        assertEquals(DeviceState.ABSENT, cams.get(2).state());
        assertNull(cams.get(2).width());
        List<MicrophoneStatus> mics = microphones.sample();
        assertTrue(mics.get(0).clipping());
        assertEquals(0.0, mics.get(0).peakDbfs());
        assertTrue(mics.get(1).muted());
        assertTrue(network.sample().rttMs() > 200);
        StreamStatus s = stream.sample();
        assertFalse(s.pushing());
        assertTrue(s.error().startsWith("stream stopped"), s.error());
        assertEquals(Boolean.TRUE, s.targetReachable(), "a stopped encoder is not an unreachable server");
        assertEquals(6, faults.active().size(), faults.active().toString());

        faults.networkDown();
        NetworkStatus down = network.sample();
        assertEquals("down", down.link());
        assertFalse(down.targets().get(0).reachable());
        assertFalse(stream.sample().pushing());

        faults.clear("cam-student");
        assertEquals(DeviceState.OK, cameras.sample().get(1).state());
        faults.microphoneSilent("mic-teacher");
        assertEquals(DeviceState.FAULT, microphones.sample().get(0).state(), "a new fault replaces the old one");
        assertFalse(microphones.sample().get(0).clipping());
        faults.clearAll();
        assertTrue(cameras.sample().stream().allMatch(c -> c.state() == DeviceState.OK));
        assertEquals("up", network.sample().link());
        assertTrue(faults.active().isEmpty());
    }

    @Test
    void switchingAFaultNotifiesListenersAndUnknownIdsAreRefused() {
        AtomicInteger changes = new AtomicInteger();
        faults.onChange(changes::incrementAndGet);
        faults.cameraFault("cam-teacher", "frozen picture");
        faults.networkDown();
        faults.clearNetwork();
        assertEquals(3, changes.get());
        assertTrue(cameras.sample().get(0).frozen());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> faults.cameraAbsent("cam-nope"));
        assertTrue(e.getMessage().contains("no simulated camera 'cam-nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> faults.microphoneSilent("cam-teacher"));
        assertThrows(IllegalArgumentException.class, () -> faults.clear("nope"));
        assertEquals(3, changes.get(), "a refused switch changes nothing");
    }

    @Test
    void theFlakyMicrophoneGoesSilentForTheLastThirdOfEachPeriod() {
        assertEquals(DeviceState.OK, roomMic().state());
        clock.addAndGet(19_900);
        assertEquals(DeviceState.OK, roomMic().state());
        clock.addAndGet(200);
        assertEquals(DeviceState.FAULT, roomMic().state());
        assertEquals(SimulatedMicrophoneProbe.SILENT_ERROR, roomMic().error());
        clock.addAndGet(9_800);
        assertEquals(DeviceState.FAULT, roomMic().state());
        clock.addAndGet(200);
        assertEquals(DeviceState.OK, roomMic().state(), "back at the start of the next period");
        assertEquals(DeviceState.OK, microphones.sample().get(0).state(), "the other microphone is not flaky");
    }

    @Test
    void aFaultChangesTheSignificantStatusButNoiseDoesNot() {
        Snapshot healthy1 = snapshot();
        Snapshot healthy2 = snapshot();
        assertEquals(healthy1.significant(), healthy2.significant(), "jittering numbers are not a change");
        assertNotEquals(healthy1.cameras(), healthy2.cameras(), "but the numbers do move");
        faults.microphoneSilent("mic-teacher");
        assertNotEquals(healthy1.significant(), snapshot().significant());
        faults.clearAll();
        assertEquals(healthy1.significant(), snapshot().significant());
        faults.streamStopped();
        assertNotEquals(healthy1.significant(), snapshot().significant());
    }

    private MicrophoneStatus roomMic() {
        return microphones.sample().get(1);
    }

    private Snapshot snapshot() {
        long now = clock.get();
        return Snapshot.of(now, ProbeResult.fresh("camera", cameras.sample(), now),
                ProbeResult.fresh("microphone", microphones.sample(), now), ProbeResult.fresh("network", network.sample(), now),
                ProbeResult.fresh("system", new SystemStatus(1.0, 2.0, 3L, null, 4L), now),
                ProbeResult.fresh("stream", stream.sample(), now));
    }
}
