package org.syncready.controller.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutable live state of one box. Every method is synchronized on the box: messages of different
 * boxes never wait for each other.
 *
 * <p>Order comes from the box's counters and the order of arrival, never from its clock
 * (PROTOCOL.md section 5): the <em>current boot</em> is the boot of the latest {@code online} state,
 * or of the latest live data message of a boot not seen before while the box is not known to be
 * connected with another one; a boot that was replaced is <em>retired</em> and its messages are
 * history only. Within a boot, {@code conn} orders presence and {@code seq} orders data. A box's
 * {@code ts} is stored and shown, and compared with the controller's clock only to flag a wrong clock
 * ({@link #CLOCK_TOLERANCE_MS}).
 */
final class BoxLive {
    private static final Logger log = LoggerFactory.getLogger(BoxLive.class);
    /** Rebirth requests to one box are spaced by at least this, so a confused box is not flooded. */
    private static final long REBIRTH_SPACING_MS = 30_000;
    /**
     * Boots remembered per box (the current one and the latest retired ones, each with its duplicate
     * window). A box that restarts many times while its outbox replays older boots forgets the oldest:
     * their late messages then only go to history, which is where they belong anyway.
     */
    private static final int BOOTS_REMEMBERED = 8;
    /**
     * How far a box's {@code ts} may be from the controller's clock before the box's clock is flagged
     * (CLOCK_SKEW). The offset seen by the controller includes network and queueing delay, so the bound
     * is far wider than the NTP rule's half second; it catches a dead RTC or a clock set years off.
     */
    static final long CLOCK_TOLERANCE_MS = 60_000;
    /** The clock offset is the largest of the latest few samples: the least delayed message tells best. */
    private static final int CLOCK_SAMPLES = 4;

    private final String boxId;
    private Presence presence = Presence.NEVER_SEEN;
    /** The conn of the latest state accepted for the current boot; -1 when none was. */
    private int presenceConn = -1;
    /** The current boot; null until the box is heard from. */
    private String bootId;
    /** Duplicate windows of the current and the latest retired boots, oldest first. */
    private final LinkedHashMap<String, SequenceWindow> boots = new LinkedHashMap<>();
    private BirthMessage birth;
    private StatusMessage status;
    private Long statusReceivedAt;
    private Long lastSeen;
    /** When presence last changed here (epoch ms, this node's clock); a stored presence older than it is not adopted. */
    private long presenceChangedAt;
    private boolean stale;
    private long duplicates;
    private long missed;
    private long lastRebirthRequest = Long.MIN_VALUE / 2;
    private final long[] clockSamples = new long[CLOCK_SAMPLES];
    private int clockSampleCount;
    private int clockNext;
    private boolean clockFlagged;

    BoxLive(String boxId) {
        this.boxId = boxId;
    }

    synchronized void restore(Long lastSeen, String bootId, BirthMessage birth, StatusMessage status, Long statusAt, boolean online) {
        this.lastSeen = lastSeen;
        this.birth = birth;
        this.status = status;
        this.statusReceivedAt = statusAt;
        String current = bootId != null ? bootId : status != null ? status.bootId() : birth != null ? birth.bootId() : null;
        if (current != null) {
            becomeCurrent(current, -1);
        }
        // Presence is not restored as online: until the broker says so, the controller does not know.
        this.presence = online ? Presence.ONLINE : lastSeen == null ? Presence.NEVER_SEEN : Presence.OFFLINE;
        // A stored presence written before this restart does not override what was decided here; one written after does.
        this.presenceChangedAt = online && lastSeen != null ? lastSeen : System.currentTimeMillis();
    }

    /** See {@link LiveFleet#adopt}: only what is newer than this node's own knowledge is taken. */
    synchronized void adopt(Long storedLastSeen, boolean online, String storedBoot, BirthMessage storedBirth, StatusMessage storedStatus,
                            Long storedStatusAt) {
        if (storedLastSeen != null) {
            lastSeen = lastSeen == null ? storedLastSeen : Math.max(lastSeen, storedLastSeen);
        }
        if (storedBoot != null && !storedBoot.equals(bootId) && !boots.containsKey(storedBoot)) {
            becomeCurrent(storedBoot, -1);
        }
        if (storedBirth != null && storedBirth.bootId().equals(bootId) && !storedBirth.equals(birth)) {
            birth = storedBirth;
        }
        boolean newer = storedStatus != null && storedStatus.bootId().equals(bootId) && (status == null
                || !status.bootId().equals(bootId) || storedStatus.seq() > status.seq());
        if (newer) {
            status = storedStatus;
            statusReceivedAt = storedStatusAt;
            stale = false;
            SequenceWindow window = boots.get(bootId);
            if (window != null) {
                // The message is this node's too now: a redelivery of it here is a duplicate, not news.
                window.accept(storedStatus.seq());
            }
        }
        // The row's last_seen moved when its presence was written: a presence written after this node's own change wins.
        Presence stored = online ? Presence.ONLINE : storedLastSeen == null ? Presence.NEVER_SEEN : Presence.OFFLINE;
        if (stored != presence && storedLastSeen != null && storedLastSeen >= presenceChangedAt) {
            presence = stored;
            presenceChangedAt = storedLastSeen;
            if (stored == Presence.OFFLINE) {
                stale = false;
            }
        }
    }

    synchronized LiveFleet.Applied apply(AgentMessage message, String json, boolean retained, long now) {
        List<BoxRecord> writes = new ArrayList<>(2);
        lastSeen = lastSeen == null ? now : Math.max(lastSeen, now);
        if (message instanceof StateMessage state) {
            return applyState(state, now, writes);
        }
        boolean historical = message instanceof StatusMessage s && s.historical();
        String boot = message.bootId();
        boolean current = boot.equals(bootId);
        if (!current && !boots.containsKey(boot)) {
            // A boot not seen before. It is the box's new boot unless it is history: a historical message,
            // or a live one while the box is connected with another boot (a late message of a dead boot).
            if (!historical && !(presence == Presence.ONLINE && bootId != null)) {
                becomeCurrent(boot, -1);
                current = true;
            } else {
                remember(boot);
            }
        }
        SequenceWindow.Verdict verdict = boots.get(boot).accept(message.seq());
        if (verdict.duplicate()) {
            // A retained copy replayed on (re)subscribe is expected, not a duplicate delivery.
            if (!retained) {
                duplicates++;
            }
            return LiveFleet.Applied.duplicate(!retained);
        }
        long missedNow = retained ? 0 : verdict.missed();
        missed += missedNow;
        boolean rebirth = false;
        if (message instanceof BirthMessage b) {
            if (!current) {
                // The birth of a retired boot says nothing about the box now.
                return LiveFleet.Applied.history(missedNow, writes);
            }
            birth = b;
            writes.add(new BoxRecord.Birth(boxId, now, b.bootId(), json));
        } else {
            boolean birthUnknown = birth == null || !birth.bootId().equals(boot);
            // Replayed history never asks for a rebirth: the box sends a birth after its replay anyway.
            rebirth = current && !historical && !retained && (missedNow > 0 || birthUnknown) && wantRebirth(now);
            if (message instanceof StatusMessage s) {
                boolean live = current && (status == null || !status.bootId().equals(boot) || s.seq() > status.seq());
                if (live) {
                    recordDeviceChanges(status, s, now, writes);
                    status = s;
                    statusReceivedAt = now;
                    if (stale) {
                        stale = false;
                        writes.add(new BoxRecord.Event(boxId, now, "status", "fresh status again"));
                    }
                }
                writes.add(new BoxRecord.Status(boxId, now, s.ts(), s.bootId(), s.seq(), json, live));
            }
        }
        if (current && !historical && !retained) {
            sampleClock(message.ts(), now, writes);
        }
        if (presence != Presence.ONLINE && !retained) {
            // A box we had as offline is evidently connected: its state message may have been lost.
            setPresence(Presence.ONLINE, now, writes, "data received");
        }
        return current ? new LiveFleet.Applied(true, false, rebirth, missedNow, writes, true)
                : LiveFleet.Applied.history(missedNow, writes);
    }

    private LiveFleet.Applied applyState(StateMessage state, long now, List<BoxRecord> writes) {
        String boot = state.bootId();
        boolean offline = state.state() == StateMessage.Presence.OFFLINE;
        if (boot.equals(bootId)) {
            boolean newer = state.conn() > presenceConn || (state.conn() == presenceConn && offline);
            if (!newer) {
                return LiveFleet.Applied.IGNORED;
            }
            presenceConn = state.conn();
        } else if (boots.containsKey(boot)) {
            // A late Will (or online) of a boot that has since been replaced.
            return LiveFleet.Applied.IGNORED;
        } else if (!offline) {
            // Only a connected box publishes online: a boot not seen before that is online is the box's new boot.
            becomeCurrent(boot, state.conn());
        }
        // An offline of a boot not seen before is believed (the box is not connected with it) but does
        // not make that boot current: it could as well be the late Will of a boot this controller never knew.
        setPresence(offline ? Presence.OFFLINE : Presence.ONLINE, now, writes,
                offline ? "will or clean disconnect" : "connected");
        return new LiveFleet.Applied(true, false, false, 0, writes, true);
    }

    private void becomeCurrent(String boot, int conn) {
        bootId = boot;
        presenceConn = conn;
        boots.remove(boot);
        boots.put(boot, new SequenceWindow());
        trimBoots();
    }

    private void remember(String boot) {
        boots.put(boot, new SequenceWindow());
        trimBoots();
    }

    private void trimBoots() {
        Iterator<String> oldestFirst = boots.keySet().iterator();
        while (boots.size() > BOOTS_REMEMBERED && oldestFirst.hasNext()) {
            if (!oldestFirst.next().equals(bootId)) {
                oldestFirst.remove();
            }
        }
    }

    private void setPresence(Presence next, long now, List<BoxRecord> writes, String why) {
        if (presence == next) {
            return;
        }
        presence = next;
        presenceChangedAt = now;
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

    /**
     * Records how far the box's clock is from the controller's, from a live message just received; a
     * change across {@link #CLOCK_TOLERANCE_MS} becomes an event (logged once, not per message).
     */
    private void sampleClock(long ts, long now, List<BoxRecord> writes) {
        clockSamples[clockNext] = ts - now;
        clockNext = (clockNext + 1) % CLOCK_SAMPLES;
        clockSampleCount = Math.min(CLOCK_SAMPLES, clockSampleCount + 1);
        Long offset = clockOffset();
        boolean off = offset != null && Math.abs(offset) > CLOCK_TOLERANCE_MS;
        if (off != clockFlagged) {
            clockFlagged = off;
            String detail = off
                    ? "CLOCK_SKEW: box clock is " + Math.abs(offset) / 1000 + " s " + (offset > 0 ? "ahead of" : "behind")
                    + " the controller's (box time " + Instant.ofEpochMilli(ts) + "); its timestamps are not used for ordering"
                    : "box clock agrees with the controller's again";
            if (off) {
                log.warn("box={} {}", boxId, detail);
            } else {
                log.info("box={} {}", boxId, detail);
            }
            writes.add(new BoxRecord.Event(boxId, now, "clock", detail));
        }
    }

    /** The box clock minus the controller's, ms, from the least delayed of the latest samples; null without any. */
    private Long clockOffset() {
        if (clockSampleCount == 0) {
            return null;
        }
        long best = Long.MIN_VALUE;
        for (int i = 0; i < clockSampleCount; i++) {
            best = Math.max(best, clockSamples[i]);
        }
        return best;
    }

    /**
     * Marks the box stale when it is online but silent for longer than its heartbeat allows
     * ({@link Heartbeat#staleAfterMs()}); returns the event to store, if any.
     */
    synchronized BoxRecord checkStale(long now) {
        if (presence != Presence.ONLINE || stale) {
            return null;
        }
        Heartbeat heartbeat = Heartbeat.of(status, birth);
        // A new boot is silent since it was last seen (its state, its birth), not since the old boot's status.
        boolean statusOfThisBoot = status != null && statusReceivedAt != null && status.bootId().equals(bootId);
        long since = statusOfThisBoot ? statusReceivedAt : lastSeen != null ? lastSeen : now;
        if (now - since > heartbeat.staleAfterMs()) {
            stale = true;
            return new BoxRecord.Event(boxId, now, "status", "STALE_STATUS: no status for " + (now - since) / 1000
                    + " s (heartbeat " + heartbeat.seconds() + " s)");
        }
        return null;
    }

    synchronized BoxSnapshot snapshot() {
        return new BoxSnapshot(boxId, presence, stale, lastSeen, bootId, birth, status, statusReceivedAt, duplicates, missed,
                clockOffset());
    }

    synchronized Presence presence() {
        return presence;
    }

    synchronized boolean stale() {
        return stale;
    }

    synchronized boolean clockSkewed() {
        return clockFlagged;
    }

    private void recordDeviceChanges(StatusMessage before, StatusMessage after, long now, List<BoxRecord> writes) {
        String replayed = after.historical() ? " (replayed; box time " + Instant.ofEpochMilli(after.ts()) + ")" : "";
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
                        + " -> " + c.state() + (c.error() != null ? ": " + c.error() : "") + replayed));
            }
        }
        oldCameras.keySet().forEach(id -> writes.add(new BoxRecord.Event(boxId, now, "camera", id + " no longer reported" + replayed)));
        for (MicrophoneStatus m : after.microphones()) {
            MicrophoneStatus old = oldMics.remove(m.id());
            if (old == null ? before != null
                    : old.state() != m.state() || old.muted() != m.muted() || old.clipping() != m.clipping()) {
                writes.add(new BoxRecord.Event(boxId, now, "microphone", m.id() + " " + (old == null ? "new" : old.state())
                        + " -> " + m.state() + (m.muted() ? " (silent)" : "") + (m.clipping() ? " (clipping)" : "")
                        + (m.error() != null ? ": " + m.error() : "") + replayed));
            }
        }
        oldMics.keySet().forEach(id -> writes.add(new BoxRecord.Event(boxId, now, "microphone", id + " no longer reported" + replayed)));
        if (before != null && !Objects.equals(before.network().link(), after.network().link())) {
            writes.add(new BoxRecord.Event(boxId, now, "network", "link " + before.network().link() + " -> "
                    + after.network().link() + replayed));
        }
        Map<String, EquipmentStatus> oldEquipment = new HashMap<>();
        if (before != null) {
            before.equipment().forEach(e -> oldEquipment.put(e.name(), e));
        }
        for (EquipmentStatus e : after.equipment()) {
            EquipmentStatus old = oldEquipment.remove(e.name());
            if (old == null ? before != null : old.state() != e.state()) {
                writes.add(new BoxRecord.Event(boxId, now, "equipment", e.name() + " " + (old == null ? "new" : old.state())
                        + " -> " + e.state() + (e.error() != null ? ": " + e.error() : "") + replayed));
            }
        }
        oldEquipment.keySet().forEach(n -> writes.add(new BoxRecord.Event(boxId, now, "equipment", n + " no longer reported" + replayed)));
        boolean wasPushing = before != null && before.stream() != null && before.stream().pushing();
        boolean pushing = after.stream() != null && after.stream().pushing();
        if (before != null && wasPushing != pushing) {
            writes.add(new BoxRecord.Event(boxId, now, "stream", (pushing ? "pushing" : "stopped") + replayed));
        }
    }
}
