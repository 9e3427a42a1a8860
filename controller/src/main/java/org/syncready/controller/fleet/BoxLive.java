package org.syncready.controller.fleet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;

/**
 * The mutable live state of one box. Every method is synchronized on the box: messages of different
 * boxes never wait for each other.
 */
final class BoxLive {
    /** Rebirth requests to one box are spaced by at least this, so a confused box is not flooded. */
    private static final long REBIRTH_SPACING_MS = 30_000;
    private static final int STALE_PERIODS = 3;

    private final String boxId;
    private Presence presence = Presence.NEVER_SEEN;
    private String presenceBootId;
    private int presenceConn = -1;
    private long presenceTs;
    private String bootId;
    private SequenceWindow window = new SequenceWindow();
    private BirthMessage birth;
    private StatusMessage status;
    private Long statusReceivedAt;
    private Long lastSeen;
    private boolean stale;
    private long duplicates;
    private long missed;
    private long lastRebirthRequest = Long.MIN_VALUE / 2;

    BoxLive(String boxId) {
        this.boxId = boxId;
    }

    synchronized void restore(Long lastSeen, BirthMessage birth, StatusMessage status, Long statusAt) {
        this.lastSeen = lastSeen;
        this.birth = birth;
        this.status = status;
        this.statusReceivedAt = statusAt;
        // Presence is not restored as online: until the broker says so, the controller does not know.
        this.presence = lastSeen == null ? Presence.NEVER_SEEN : Presence.OFFLINE;
    }

    synchronized LiveFleet.Applied apply(AgentMessage message, String json, boolean retained, long now) {
        List<BoxRecord> writes = new ArrayList<>(2);
        lastSeen = lastSeen == null ? now : Math.max(lastSeen, now);
        if (message instanceof StateMessage state) {
            return applyState(state, now, writes);
        }
        boolean newBoot = !message.bootId().equals(bootId);
        long missedNow = 0;
        if (newBoot) {
            bootId = message.bootId();
            window = new SequenceWindow();
            window.accept(message.seq());
        } else {
            SequenceWindow.Verdict verdict = window.accept(message.seq());
            if (verdict.duplicate()) {
                // A retained copy replayed on (re)subscribe is expected, not a duplicate delivery.
                if (!retained) {
                    duplicates++;
                }
                return new LiveFleet.Applied(false, false, 0, List.of());
            }
            missedNow = retained ? 0 : verdict.missed();
            missed += missedNow;
        }
        boolean rebirth = false;
        if (message instanceof BirthMessage b) {
            birth = b;
            writes.add(new BoxRecord.Birth(boxId, now, b.bootId(), json));
        } else {
            boolean birthUnknown = birth == null || !birth.bootId().equals(message.bootId());
            rebirth = !retained && (missedNow > 0 || birthUnknown) && wantRebirth(now);
            if (message instanceof StatusMessage s) {
                // Within a boot seq orders, not ts: a box clock set back (NTP stepping it) must not freeze the live state.
                if (status == null || !s.bootId().equals(status.bootId()) || s.seq() > status.seq()) {
                    recordDeviceChanges(status, s, now, writes);
                    status = s;
                    statusReceivedAt = now;
                    if (stale) {
                        stale = false;
                        writes.add(new BoxRecord.Event(boxId, now, "status", "fresh status again"));
                    }
                }
                writes.add(new BoxRecord.Status(boxId, now, s.ts(), s.bootId(), s.seq(), json));
            }
        }
        if (presence != Presence.ONLINE && !retained) {
            // A box we had as offline is evidently connected: its state message may have been lost.
            setPresence(Presence.ONLINE, now, writes, "data received");
        }
        return new LiveFleet.Applied(true, rebirth, missedNow, writes);
    }

    private LiveFleet.Applied applyState(StateMessage state, long now, List<BoxRecord> writes) {
        boolean newer;
        if (state.bootId().equals(presenceBootId)) {
            newer = state.conn() > presenceConn
                    || (state.conn() == presenceConn && state.state() == StateMessage.Presence.OFFLINE);
        } else {
            // Different boots cannot be ordered by conn; the box's own clock orders them.
            newer = presenceBootId == null || state.ts() >= presenceTs;
        }
        if (!newer) {
            return new LiveFleet.Applied(false, false, 0, List.of());
        }
        presenceBootId = state.bootId();
        presenceConn = state.conn();
        presenceTs = state.ts();
        Presence next = state.state() == StateMessage.Presence.ONLINE ? Presence.ONLINE : Presence.OFFLINE;
        setPresence(next, now, writes, state.state() == StateMessage.Presence.OFFLINE ? "will or clean disconnect" : "connected");
        return new LiveFleet.Applied(true, false, 0, writes);
    }

    private void setPresence(Presence next, long now, List<BoxRecord> writes, String why) {
        if (presence == next) {
            return;
        }
        presence = next;
        if (next == Presence.OFFLINE) {
            stale = false;
        }
        writes.add(new BoxRecord.Presence(boxId, now, next == Presence.ONLINE));
        writes.add(new BoxRecord.Event(boxId, now, next.label(), why));
    }

    private boolean wantRebirth(long now) {
        if (now - lastRebirthRequest < REBIRTH_SPACING_MS) {
            return false;
        }
        lastRebirthRequest = now;
        return true;
    }

    /** Marks the box stale when it is online but silent for three periods; returns the event to store, if any. */
    synchronized BoxRecord checkStale(long now) {
        if (presence != Presence.ONLINE || stale) {
            return null;
        }
        int period = status != null ? status.intervalS() : birth != null ? birth.statusIntervalS() : 10;
        long since = statusReceivedAt != null ? statusReceivedAt : lastSeen != null ? lastSeen : now;
        if (now - since > (long) STALE_PERIODS * period * 1000L) {
            stale = true;
            return new BoxRecord.Event(boxId, now, "status", "STALE_STATUS: no status for " + (now - since) / 1000 + " s");
        }
        return null;
    }

    synchronized BoxSnapshot snapshot() {
        return new BoxSnapshot(boxId, presence, stale, lastSeen, bootId != null ? bootId : presenceBootId,
                birth, status, statusReceivedAt, duplicates, missed);
    }

    synchronized Presence presence() {
        return presence;
    }

    synchronized boolean stale() {
        return stale;
    }

    private void recordDeviceChanges(StatusMessage before, StatusMessage after, long now, List<BoxRecord> writes) {
        Map<String, CameraStatus> oldCameras = new HashMap<>();
        Map<String, MicrophoneStatus> oldMics = new HashMap<>();
        if (before != null) {
            before.cameras().forEach(c -> oldCameras.put(c.id(), c));
            before.microphones().forEach(m -> oldMics.put(m.id(), m));
        }
        for (CameraStatus c : after.cameras()) {
            CameraStatus old = oldCameras.remove(c.id());
            if (old == null ? before != null : old.state() != c.state() || !Objects.equals(old.error(), c.error())) {
                writes.add(new BoxRecord.Event(boxId, now, "camera", c.id() + " " + (old == null ? "new" : old.state())
                        + " -> " + c.state() + (c.error() != null ? ": " + c.error() : "")));
            }
        }
        oldCameras.keySet().forEach(id -> writes.add(new BoxRecord.Event(boxId, now, "camera", id + " no longer reported")));
        for (MicrophoneStatus m : after.microphones()) {
            MicrophoneStatus old = oldMics.remove(m.id());
            if (old == null ? before != null
                    : old.state() != m.state() || old.muted() != m.muted() || old.clipping() != m.clipping()) {
                writes.add(new BoxRecord.Event(boxId, now, "microphone", m.id() + " " + (old == null ? "new" : old.state())
                        + " -> " + m.state() + (m.muted() ? " (silent)" : "") + (m.clipping() ? " (clipping)" : "")
                        + (m.error() != null ? ": " + m.error() : "")));
            }
        }
        oldMics.keySet().forEach(id -> writes.add(new BoxRecord.Event(boxId, now, "microphone", id + " no longer reported")));
        if (before != null && !Objects.equals(before.network().link(), after.network().link())) {
            writes.add(new BoxRecord.Event(boxId, now, "network", "link " + before.network().link() + " -> " + after.network().link()));
        }
        boolean wasPushing = before != null && before.stream() != null && before.stream().pushing();
        boolean pushing = after.stream() != null && after.stream().pushing();
        if (before != null && wasPushing != pushing) {
            writes.add(new BoxRecord.Event(boxId, now, "stream", pushing ? "pushing" : "stopped"));
        }
    }
}
