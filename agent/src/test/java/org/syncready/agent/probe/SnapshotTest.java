package org.syncready.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

class SnapshotTest {
    private static final NetworkStatus NET = new NetworkStatus("up", "eth0", 20.0, 1.0, 0.0, null, null, List.of());
    private static final SystemStatus SYS = new SystemStatus(10.0, 50.0, 1000L, 40.0, 100L);

    @Test
    void numbersThatJitterAreNotSignificantStatesAre() {
        Snapshot a = snapshot(camera(DeviceState.OK, 4010, null), ProbeResult.fresh("network", NET, 1));
        Snapshot b = snapshot(camera(DeviceState.OK, 3950, null),
                ProbeResult.fresh("network", new NetworkStatus("up", "eth0", 23.4, 2.0, 0.0, null, null, List.of()), 1));
        assertEquals(a.significant(), b.significant());
        Snapshot c = snapshot(camera(DeviceState.FAULT, 0, "no signal"), ProbeResult.fresh("network", NET, 1));
        assertNotEquals(a.significant(), c.significant());
    }

    @Test
    void devicesKnownOnlyFromAStaleValueAreDegraded() {
        ProbeResult<List<CameraStatus>> stale = new ProbeResult<>("camera",
                List.of(camera(DeviceState.OK, 4000, null)), "timed out after 2000 ms", true, 1);
        Snapshot s = Snapshot.of(2, stale, null, ProbeResult.fresh("network", NET, 1), ProbeResult.fresh("system", SYS, 1), null);
        CameraStatus cam = s.cameras().get(0);
        assertEquals(DeviceState.DEGRADED, cam.state());
        assertTrue(cam.error().contains("camera probe timed out after 2000 ms"), cam.error());
        assertEquals("timed out after 2000 ms", s.probeErrors().get("camera"));
    }

    @Test
    void missingProbesStillMakeAValidStatus() {
        Snapshot s = Snapshot.of(5, null, null, null, null, null);
        StatusMessage m = s.toStatus("box-1", "boot", 7, 9, 10);
        assertEquals("unknown", m.network().link());
        assertEquals(List.of(), m.cameras());
        assertEquals(7, m.seq());
    }

    @Test
    void moreDevicesThanAStatusCarriesAreCutToTheFirstSixteenAndSaidSo() {
        List<CameraStatus> twenty = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> new CameraStatus("video" + i, CameraRole.OTHER, CameraKind.USB, DeviceState.OK,
                        null, null, null, null, false, null)).toList();
        Snapshot s = Snapshot.of(3, ProbeResult.fresh("camera", twenty, 1), null, ProbeResult.fresh("network", NET, 1),
                ProbeResult.fresh("system", SYS, 1), null);
        // Without the cut the status constructor refuses the list and the box reports nothing at all.
        StatusMessage m = s.toStatus("box-1", "boot", 1, 9, 10);
        assertEquals(org.syncready.protocol.Protocol.MAX_CAMERAS, m.cameras().size());
        assertEquals("video15", m.cameras().get(15).id());
        assertEquals("20 cameras found; a status reports the first 16", s.probeErrors().get("camera"));
    }

    private static Snapshot snapshot(CameraStatus cam, ProbeResult<NetworkStatus> net) {
        return Snapshot.of(1, ProbeResult.fresh("camera", List.of(cam), 1), null, net, ProbeResult.fresh("system", SYS, 1), null);
    }

    private static CameraStatus camera(DeviceState state, int kbps, String error) {
        return new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.USB, state, 1920, 1080, 25.0, kbps, false, error);
    }
}
