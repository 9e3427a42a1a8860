package org.syncready.controller.fleet;

import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.StatusMessage;

/**
 * What the controller knows of one box at one moment. {@code stale} is true when the box is online but
 * has sent no status for 2.5 heartbeats plus a grace ({@link Heartbeat}, STALE_STATUS). {@code clockOffsetMs} is the box's clock
 * minus the controller's as its latest live messages showed (network delay included), null when
 * unknown; beyond {@link #CLOCK_TOLERANCE_MS} the box's clock is wrong ({@link #clockSkewed()}).
 */
public record BoxSnapshot(String boxId, Presence presence, boolean stale, Long lastSeen, String bootId,
                          BirthMessage birth, StatusMessage status, Long statusReceivedAt,
                          long duplicates, long missedMessages, Long clockOffsetMs) {
    /** How far a box's clock may be from the controller's before it is flagged (CLOCK_SKEW). */
    public static final long CLOCK_TOLERANCE_MS = BoxLive.CLOCK_TOLERANCE_MS;

    /** A snapshot without a clock offset. */
    public BoxSnapshot(String boxId, Presence presence, boolean stale, Long lastSeen, String bootId,
                       BirthMessage birth, StatusMessage status, Long statusReceivedAt, long duplicates, long missedMessages) {
        this(boxId, presence, stale, lastSeen, bootId, birth, status, statusReceivedAt, duplicates, missedMessages, null);
    }

    /** Whether the box's clock is further than {@link #CLOCK_TOLERANCE_MS} from the controller's. */
    public boolean clockSkewed() {
        return clockOffsetMs != null && Math.abs(clockOffsetMs) > CLOCK_TOLERANCE_MS;
    }
}
