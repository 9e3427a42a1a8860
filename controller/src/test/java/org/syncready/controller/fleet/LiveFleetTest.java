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
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
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
        return status(boot, seq, camera, 1000 + seq, false);
    }

    private static StatusMessage status(String boot, long seq, DeviceState camera, long ts, boolean historical) {
        return new StatusMessage(1, "b1", ts, boot, seq, 10,
                List.of(new CameraStatus("cam-1", CameraRole.TEACHER, CameraKind.USB, camera, null, null, null, null, null, null)),
                List.of(), new NetworkStatus("up", null, null, null, null, null, null, null), new SystemStatus(null, null, null, null, null),
                null, historical);
    }

    private static final long YEAR_2100 = 4_102_444_800_000L;

    private static List<BoxRecord.Status> statusRows(LiveFleet.Applied applied) {
        return applied.writes().stream().filter(BoxRecord.Status.class::isInstance).map(BoxRecord.Status.class::cast).toList();
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
        // A new boot replaces the old one, whatever the clocks say; the old boot's late Will is ignored.
        assertTrue(fleet.apply(state("B", 1, StateMessage.Presence.ONLINE, 40), "{}", false, 40).accepted());
        assertFalse(fleet.apply(state("A", 3, StateMessage.Presence.OFFLINE, 45), "{}", true, 41).accepted());
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
        assertTrue(fleet.checkStale(1_000 + 29_000).isEmpty(), "fresh within 2.5 heartbeats of 10 s + 5 s");
        assertEquals(1, fleet.checkStale(1_000 + 31_000).size());
        assertTrue(fleet.snapshot("b1").orElseThrow().stale());
        assertTrue(fleet.checkStale(1_000 + 40_000).isEmpty(), "reported once");
        fleet.apply(status("A", 4, DeviceState.OK), "{}", false, 50_000);
        assertFalse(fleet.snapshot("b1").orElseThrow().stale());
    }

    @Test
    void staleFollowsEachBoxsHeartbeat() {
        // Report by exception, heartbeat 60 s: 2.5 heartbeats + 5 s = 155 s of silence allowed.
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, 1), "{}", false, 0);
        fleet.apply(new BirthMessage(1, "b1", 1001, "A", 1, "a", "f", "m", 60, null, null, null, null, 60), "{}", false, 0);
        assertTrue(fleet.checkStale(150_000).isEmpty(), "before any status the birth's heartbeatS counts");
        fleet.apply(withInterval(status("A", 2, DeviceState.OK), 60), "{}", false, 1_000);
        assertTrue(fleet.checkStale(1_000 + 61_000).isEmpty(), "a heartbeat late");
        assertTrue(fleet.checkStale(1_000 + 155_000).isEmpty(), "two heartbeats late");
        List<BoxRecord> events = fleet.checkStale(1_000 + 156_000);
        assertEquals(1, events.size());
        assertTrue(((BoxRecord.Event) events.get(0)).detail().equals("STALE_STATUS: no status for 156 s (heartbeat 60 s)"),
                events.toString());
        assertTrue(fleet.snapshot("b1").orElseThrow().stale());
        fleet.apply(withInterval(status("A", 3, DeviceState.OK), 60), "{}", false, 160_000);
        assertFalse(fleet.snapshot("b1").orElseThrow().stale(), "a status ends it");

        // An old agent without heartbeatS: its statusIntervalS of 10 s, stale after 30 s as before.
        fleet.apply(state("B", 1, StateMessage.Presence.ONLINE, 2), "{}", false, 200_000);
        fleet.apply(birth("B", 1), "{}", false, 200_000);
        assertTrue(fleet.checkStale(200_000 + 30_000).isEmpty());
        assertEquals(1, fleet.checkStale(200_000 + 31_000).size());
        assertEquals(30_000, new Heartbeat(10).staleAfterMs());
        assertEquals(155_000, Heartbeat.of(null, new BirthMessage(1, "b1", 1, "A", 1, "a", "f", "m", 60, null, null, null, null, 60)).staleAfterMs());
        assertEquals(Heartbeat.UNKNOWN_S, Heartbeat.of(null, null).seconds());
    }

    private static StatusMessage withInterval(StatusMessage s, int intervalS) {
        return new StatusMessage(s.v(), s.boxId(), s.ts(), s.bootId(), s.seq(), intervalS, s.cameras(), s.microphones(),
                s.network(), s.system(), s.stream(), s.historical(), s.equipment());
    }

    @Test
    void classroomEquipmentStateChangesBecomeEvents() {
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, 1), "{}", false, 0);
        fleet.apply(birth("A", 1), "{}", false, 0);
        fleet.apply(withDisplay(status("A", 2, DeviceState.OK), EquipmentState.OK, null), "{}", false, 0);
        List<BoxRecord> same = fleet.apply(withDisplay(status("A", 3, DeviceState.OK), EquipmentState.OK, null), "{}", false, 1_000).writes();
        assertTrue(same.stream().noneMatch(w -> w instanceof BoxRecord.Event), same.toString());
        List<BoxRecord> off = fleet.apply(withDisplay(status("A", 4, DeviceState.OK), EquipmentState.OUT_OF_RANGE,
                "false, expected = true"), "{}", false, 2_000).writes();
        assertTrue(off.stream().anyMatch(w -> w instanceof BoxRecord.Event e && e.kind().equals("equipment")
                && e.detail().equals("display ok -> out-of-range: false, expected = true")), off.toString());
        List<BoxRecord> gone = fleet.apply(status("A", 5, DeviceState.OK), "{}", false, 3_000).writes();
        assertTrue(gone.stream().anyMatch(w -> w instanceof BoxRecord.Event e && e.detail().equals("display no longer reported")),
                gone.toString());
    }

    private static StatusMessage withDisplay(StatusMessage s, EquipmentState state, String error) {
        return new StatusMessage(s.v(), s.boxId(), s.ts(), s.bootId(), s.seq(), s.intervalS(), s.cameras(), s.microphones(),
                s.network(), s.system(), s.stream(), List.of(new EquipmentStatus("display", "display-power", state,
                        state == EquipmentState.OK, "= true", null, null, error, s.ts())));
    }

    @Test
    void aStatusFromTheFutureDoesNotHideTheLaterOnes() {
        long now = 1_780_000_000_000L;
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, now), "{}", false, now);
        fleet.apply(birth("A", 1), "{}", false, now);
        fleet.apply(status("A", 2, DeviceState.OK, YEAR_2100, false), "{}", false, now);
        LiveFleet.Applied later = fleet.apply(status("A", 3, DeviceState.FAULT, now + 10_000, false), "{}", false, now + 10_000);
        assertTrue(statusRows(later).get(0).live(), "seq 3 follows seq 2 in the same boot: it is the live status");
        BoxSnapshot snap = fleet.snapshot("b1").orElseThrow();
        assertEquals(3, snap.status().seq());
        assertEquals(now + 10_000, snap.statusReceivedAt());
        assertFalse(fleet.checkStale(now + 25_000).stream().findAny().isPresent(), "reporting, so not stale");
    }

    @Test
    void aLaterBootsOfflineIsBelievedWhateverTheClocksSay() {
        long now = 1_780_000_000_000L;
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, YEAR_2100), "{}", false, now);
        // The box restarted with its clock fixed: boot B, earlier timestamps.
        assertTrue(fleet.apply(state("B", 1, StateMessage.Presence.ONLINE, now + 1_000), "{}", false, now + 1_000).accepted());
        assertEquals("B", fleet.snapshot("b1").orElseThrow().bootId());
        assertTrue(fleet.apply(state("B", 1, StateMessage.Presence.OFFLINE, now + 2_000), "{}", false, now + 2_000).accepted());
        assertEquals(Presence.OFFLINE, fleet.snapshot("b1").orElseThrow().presence());
        // An offline of a boot never seen (its online was missed) is believed too.
        fleet.apply(state("B", 2, StateMessage.Presence.ONLINE, now), "{}", false, now + 3_000);
        assertTrue(fleet.apply(state("C", 1, StateMessage.Presence.OFFLINE, 5), "{}", false, now + 4_000).accepted());
        assertEquals(Presence.OFFLINE, fleet.snapshot("b1").orElseThrow().presence());
    }

    @Test
    void aClockFarFromTheControllersIsFlaggedOnceAndClearsWhenFixed() {
        long now = 1_001;
        fleet.apply(birth("A", 1), "{}", false, now);
        assertFalse(fleet.snapshot("b1").orElseThrow().clockSkewed(), "the birth's ts is the controller's time");
        LiveFleet.Applied first = fleet.apply(status("A", 2, DeviceState.OK, YEAR_2100, false), "{}", false, now);
        assertTrue(first.writes().stream().anyMatch(w -> w instanceof BoxRecord.Event e && e.kind().equals("clock")
                && e.detail().startsWith("CLOCK_SKEW")), first.writes().toString());
        BoxSnapshot snap = fleet.snapshot("b1").orElseThrow();
        assertTrue(snap.clockSkewed());
        assertEquals(1, fleet.clockSkewedCount());
        LiveFleet.Applied again = fleet.apply(status("A", 3, DeviceState.OK, YEAR_2100 + 10_000, false), "{}", false, now + 10_000);
        assertTrue(again.writes().stream().noneMatch(w -> w instanceof BoxRecord.Event e && e.kind().equals("clock")), "flagged once");
        // Fixed: once the latest samples all agree with the controller, the flag clears.
        for (long seq = 4; seq < 8; seq++) {
            fleet.apply(status("A", seq, DeviceState.OK, now + seq * 10_000 + 50, false), "{}", false, now + seq * 10_000);
        }
        assertFalse(fleet.snapshot("b1").orElseThrow().clockSkewed());
        // Replayed history says nothing about the clock now.
        fleet.apply(status("A", 8, DeviceState.OK, YEAR_2100, true), "{}", false, now + 90_000);
        assertFalse(fleet.snapshot("b1").orElseThrow().clockSkewed());
    }

    @Test
    void anOutboxReplayOfTheSameBootFillsHistoryInOrderWithoutGapsOrRebirths() {
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, 1), "{}", false, 0);
        fleet.apply(birth("A", 1), "{}", false, 0);
        fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 10);
        fleet.apply(state("A", 1, StateMessage.Presence.OFFLINE, 1), "{}", false, 20);
        // Reconnected: the statuses made while offline come first, marked historical, then birth and a fresh status.
        fleet.apply(state("A", 2, StateMessage.Presence.ONLINE, 1), "{}", false, 1_000);
        for (long seq = 3; seq <= 22; seq++) {
            LiveFleet.Applied replayed = fleet.apply(status("A", seq, seq == 10 ? DeviceState.FAULT : DeviceState.OK,
                    1000 + seq, true), "{}", false, 1_000 + seq);
            assertTrue(replayed.accepted());
            assertFalse(replayed.rebirth());
            assertEquals(0, replayed.missed());
            assertTrue(statusRows(replayed).get(0).live(), "newer than the live status of the same boot");
            if (seq == 10) {
                assertTrue(replayed.writes().stream().anyMatch(w -> w instanceof BoxRecord.Event e
                        && e.detail().contains("ok -> fault") && e.detail().contains("replayed")), replayed.writes().toString());
            }
        }
        assertFalse(fleet.apply(status("A", 15, DeviceState.OK, 1015, true), "{}", false, 1_100).accepted(), "replayed twice");
        fleet.apply(birth("A", 23), "{}", false, 1_200);
        fleet.apply(status("A", 24, DeviceState.OK), "{}", false, 1_200);
        BoxSnapshot snap = fleet.snapshot("b1").orElseThrow();
        assertEquals(24, snap.status().seq());
        assertEquals(0, snap.missedMessages());
    }

    @Test
    void aGapInReplayedHistoryIsCountedButAsksForNoRebirth() {
        fleet.apply(birth("A", 1), "{}", false, 0);
        fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 0);
        // The box's outbox was full and dropped seq 3..9.
        LiveFleet.Applied replayed = fleet.apply(status("A", 10, DeviceState.OK, 1010, true), "{}", false, 100_000);
        assertEquals(7, replayed.missed());
        assertFalse(replayed.rebirth());
    }

    @Test
    void anOlderBootsMessagesAreHistoryOnlyOnceTheNewBootIsOnline() {
        fleet.apply(state("A", 1, StateMessage.Presence.ONLINE, 1), "{}", false, 0);
        fleet.apply(birth("A", 1), "{}", false, 0);
        fleet.apply(status("A", 2, DeviceState.OK), "{}", false, 0);
        // The agent restarted while offline: boot B connects, then replays what boot A had not sent.
        fleet.apply(state("B", 1, StateMessage.Presence.ONLINE, 1), "{}", false, 1_000);
        LiveFleet.Applied oldLive = fleet.apply(status("A", 3, DeviceState.FAULT, 5, false), "{}", false, 1_001);
        LiveFleet.Applied oldReplay = fleet.apply(status("A", 4, DeviceState.FAULT, 6, true), "{}", false, 1_002);
        LiveFleet.Applied oldBirth = fleet.apply(birth("A", 5), "{}", false, 1_003);
        for (LiveFleet.Applied a : List.of(oldLive, oldReplay)) {
            assertTrue(a.accepted());
            assertFalse(a.current());
            assertFalse(a.rebirth());
            assertFalse(statusRows(a).get(0).live(), "history only");
        }
        assertTrue(oldBirth.writes().isEmpty(), "an old boot's birth is not the box's birth");
        assertFalse(fleet.apply(status("A", 4, DeviceState.FAULT, 6, true), "{}", false, 1_004).accepted(), "duplicates of an old boot too");
        assertEquals("B", fleet.snapshot("b1").orElseThrow().bootId());
        assertEquals(2, fleet.snapshot("b1").orElseThrow().status().seq(), "boot A's last live status stays until B reports");
        fleet.apply(birth("B", 1), "{}", false, 1_100);
        assertTrue(statusRows(fleet.apply(status("B", 2, DeviceState.OK), "{}", false, 1_100)).get(0).live());
        assertEquals("B", fleet.snapshot("b1").orElseThrow().status().bootId());
    }

    @Test
    void aHistoricalStatusOfABootNeverSeenIsHistoryEvenWhenNothingIsKnown() {
        LiveFleet.Applied a = fleet.apply(status("Z", 40, DeviceState.OK, 5, true), "{}", false, 1);
        assertTrue(a.accepted());
        assertFalse(statusRows(a).get(0).live());
        assertEquals(null, fleet.snapshot("b1").orElseThrow().status());
    }
}
