package org.syncready.controller.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.StatusMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest known state of every box, in memory, updated as messages arrive and read by the API
 * without touching the store. Safe to call from any thread; never blocks on I/O.
 */
public final class LiveFleet {
    private static final Logger log = LoggerFactory.getLogger(LiveFleet.class);

    /**
     * The outcome of one message: whether it was new ({@code accepted}), whether it was a redelivery to
     * count ({@code duplicate}; a retained copy on subscribe is not), whether the box should be asked for
     * a rebirth, how many of its messages went missing before it, the rows to store, and whether it is
     * of the box's current boot ({@code current}; otherwise it is history only).
     */
    public record Applied(boolean accepted, boolean duplicate, boolean rebirth, long missed, List<BoxRecord> writes,
                          boolean current) {
        static final Applied IGNORED = new Applied(false, false, false, 0, List.of(), false);

        static Applied duplicate(boolean counted) {
            return new Applied(false, counted, false, 0, List.of(), false);
        }

        static Applied history(long missed, List<BoxRecord> writes) {
            return new Applied(true, false, false, missed, writes, false);
        }
    }

    private final Map<String, BoxLive> boxes = new ConcurrentHashMap<>();

    /** Restores last-seen, birth and status from the store after a restart; every box starts offline. */
    public void restore(List<BoxHistory.LatestRecord> latest, MessageCodec codec) {
        restore(latest, codec, false);
    }

    /**
     * As {@link #restore(List, MessageCodec)}; with {@code storedPresence} a box stored as online starts
     * online: with an external broker the boxes stay connected while this node restarts, and the other
     * nodes keep the stored presence up to date.
     */
    public void restore(List<BoxHistory.LatestRecord> latest, MessageCodec codec, boolean storedPresence) {
        for (BoxHistory.LatestRecord r : latest) {
            try {
                BirthMessage birth = r.birthJson() == null ? null : codec.decode(BirthMessage.class, r.birthJson().getBytes());
                StatusMessage status = r.statusJson() == null ? null : codec.decode(StatusMessage.class, r.statusJson().getBytes());
                box(r.boxId()).restore(r.lastSeen(), r.bootId(), birth, status, r.statusAt(), storedPresence && r.online());
            } catch (ProtocolException e) {
                log.warn("stored state of box={} is unreadable and was skipped: {}", r.boxId(), e.getMessage());
            }
        }
    }

    /**
     * Folds in the stored latest state of boxes whose messages another controller node ingested (several
     * nodes on one store): a newer status, birth or presence replaces what this node knew; nothing is
     * written back (the node that got the message stored it).
     */
    public void adopt(List<BoxHistory.LatestRecord> latest, MessageCodec codec) {
        for (BoxHistory.LatestRecord r : latest) {
            try {
                BirthMessage birth = r.birthJson() == null ? null : codec.decode(BirthMessage.class, r.birthJson().getBytes());
                StatusMessage status = r.statusJson() == null ? null : codec.decode(StatusMessage.class, r.statusJson().getBytes());
                box(r.boxId()).adopt(r.lastSeen(), r.online(), r.bootId(), birth, status, r.statusAt());
            } catch (ProtocolException e) {
                log.warn("stored state of box={} is unreadable and was skipped: {}", r.boxId(), e.getMessage());
            }
        }
    }

    /** Folds one decoded message in; {@code json} is its payload as received, for storage. */
    public Applied apply(AgentMessage message, String json, boolean retained, long receivedAt) {
        return box(message.boxId()).apply(message, json, retained, receivedAt);
    }

    /** Flags boxes that are online but silent for longer than their heartbeat allows ({@link Heartbeat}); returns the events to store. */
    public List<BoxRecord> checkStale(long now) {
        List<BoxRecord> events = new ArrayList<>();
        for (BoxLive box : boxes.values()) {
            BoxRecord event = box.checkStale(now);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    public Optional<BoxSnapshot> snapshot(String boxId) {
        BoxLive box = boxes.get(boxId);
        return box == null ? Optional.empty() : Optional.of(box.snapshot());
    }

    public long count(Presence presence) {
        return boxes.values().stream().filter(b -> b.presence() == presence).count();
    }

    public long staleCount() {
        return boxes.values().stream().filter(BoxLive::stale).count();
    }

    /** Boxes whose clock is further than {@link BoxSnapshot#CLOCK_TOLERANCE_MS} from the controller's. */
    public long clockSkewedCount() {
        return boxes.values().stream().filter(BoxLive::clockSkewed).count();
    }

    private BoxLive box(String boxId) {
        return boxes.computeIfAbsent(boxId, BoxLive::new);
    }
}
