package org.syncready.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

class LiveFleetTest {
    private final LiveFleet fleet = new LiveFleet();

    private static BirthMessage birth(String boot, long seq) {
        return new BirthMessage(1, "b1", 1000 + seq, boot, seq, "a", "f", "m", 10, null, null, null);
    }

    private static StatusMessage status(String boot, long seq, DeviceState camera) {
        return new StatusMessage(1, "b1", 1000 + seq, boot, seq, 10,
                List.of(new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.USB, camera, null, null, null, null, null, null)),
                List.of(), new NetworkStatus("up", null, null, null, null, null, null, null), new SystemStatus(null, null, null, null, null), null);
    }

    private static StateMessage state(String boot, int conn, StateMessage.Presence p, long ts) {
        return new StateMessage(1, "b1", ts, boot, 0, conn, p);
    }

    @Test
    void dropsRedeliveredMessagesAndAcceptsLateOnes() {
        fleet.apply(birth("A", 1), "{}", false, 1);
        assertTrue(fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 2).accepted());
        assertFalse(fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 3).accepted(), "same seq again");
        LiveFleet.Applied jump = fleet.apply(status("A", 5, DeviceState.OK), "{}", false, 4);
        assertEquals(2, jump.missed());
        assertTrue(jump.rebirth(), "a gap asks for a rebirth");
        assertTrue(fleet.apply(status("A", 4, DeviceState.OK), "{}", false, 5).accepted(), "late but unseen");
        assertFalse(fleet.apply(status("A", 4, DeviceState.OK), "{}", false, 6).accepted());
        BoxSnapshot snap = fleet.snapshot("b1").orElseThrow();
        assertEquals(2, snap.duplicates());
        assertEquals(2, snap.missedMessages());
    }

    @Test
    void withinABootSeqNotTheBoxClockSaysWhichStatusIsNewest() {
        fleet.apply(birth("A", 1), "{}", false, 1);
        fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 2);
        // The box clock is set back (NTP steps it): the next status has an older ts, and is still the newest.
        StatusMessage later = status("A", 3, DeviceState.FAULT);
        StatusMessage stepped = new StatusMessage(1, "b1", 500, "A", 3, 10, later.cameras(),
                later.microphones(), later.network(), later.system(), null);
        assertTrue(fleet.apply(stepped, "{}", false, 3).accepted());
        assertEquals(DeviceState.FAULT, fleet.snapshot("b1").orElseThrow().status().cameras().get(0).state());
        // A late message of the same boot (lower seq, a newer clock) does not replace it.
        fleet.apply(status("A", 5, DeviceState.FAULT), "{}", false, 4);
        assertTrue(fleet.apply(status("A", 4, DeviceState.OK), "{}", false, 5).accepted());
        assertEquals(5, fleet.snapshot("b1").orElseThrow().status().seq());
    }

    @Test
    void statusWithoutBirthAsksForRebirthOnceInAWhile() {
        assertTrue(fleet.apply(status("A", 7, DeviceState.OK), "{}", false, 1_000).rebirth());
        assertFalse(fleet.apply(status("A", 8, DeviceState.OK), "{}", false, 2_000).rebirth(), "spaced by 30 s");
        assertTrue(fleet.apply(status("A", 9, DeviceState.OK), "{}", false, 40_000).rebirth());
        fleet.apply(birth("A", 10), "{}", false, 41_000);
        assertFalse(fleet.apply(status("A", 11, DeviceState.OK), "{}", false, 80_000).rebirth());
    }

    @Test
    void retainedReplayIsNeitherDuplicateNorRebirthReason() {
        fleet.apply(birth("A", 1), "{}", false, 1);
        fleet.apply(status("A", 500, DeviceState.OK), "{}", false, 2);
        LiveFleet.Applied replay = fleet.apply(birth("A", 1), "{}", true, 3);
        assertFalse(replay.accepted());
        assertEquals(0, fleet.snapshot("b1").orElseThrow().duplicates());
    }

    @Test
    void lateWillOfAnOldConnectionDoesNotHideNewerOnline() {
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, 10), "{}", false, 10);
        fleet.apply(state("A", 2, StateMessage.Presence.ONLINE, 20), "{}", false, 20);
        assertFalse(fleet.apply(state("A", 1, StateMessage.Presence.OFFLINE, 15), "{}", false, 21).accepted());
        assertEquals(Presence.ONLINE, fleet.snapshot("b1").orElseThrow().presence());
        assertTrue(fleet.apply(state("A", 2, StateMessage.Presence.OFFLINE, 30), "{}", false, 30).accepted());
        assertEquals(Presence.OFFLINE, fleet.snapshot("b1").orElseThrow().presence());
        // A new boot orders by the box's clock.
        assertTrue(fleet.apply(state("B", 1, StateMessage.Presence.ONLINE, 40), "{}", false, 40).accepted());
        assertFalse(fleet.apply(state("A", 3, StateMessage.Presence.OFFLINE, 35), "{}", true, 41).accepted());
        assertEquals(Presence.ONLINE, fleet.snapshot("b1").orElseThrow().presence());
    }

    @Test
    void deviceChangesBecomeEventsAndSilenceBecomesStale() {
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, 1), "{}", false, 0);
        fleet.apply(birth("A", 1), "{}", false, 0);
        fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 0);
        List<BoxRecord> writes = fleet.apply(status("A", 3, DeviceState.FAULT), "{}", false, 1_000).writes();
        assertTrue(writes.stream().anyMatch(w -> w instanceof BoxRecord.Event e && e.kind().equals("camera")
                && e.detail().contains("ok -> fault")), writes.toString());
        assertTrue(fleet.checkStale(1_000 + 29_000).isEmpty(), "fresh within 3 periods of 10 s");
        assertEquals(1, fleet.checkStale(1_000 + 31_000).size());
        assertTrue(fleet.snapshot("b1").orElseThrow().stale());
        assertTrue(fleet.checkStale(1_000 + 40_000).isEmpty(), "reported once");
        fleet.apply(status("A", 4, DeviceState.OK), "{}", false, 50_000);
        assertFalse(fleet.snapshot("b1").orElseThrow().stale());
    }
}
