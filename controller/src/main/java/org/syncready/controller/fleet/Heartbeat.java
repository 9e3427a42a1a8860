package org.syncready.controller.fleet;

import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.StatusMessage;

/**
 * A box's heartbeat: the longest it stays silent between two statuses (report by exception,
 * protocols/PROTOCOL.md 5.6), and when its silence makes it stale.
 *
 * @param seconds the box's latest status's {@code intervalS}; before any status of the birth's boot, the
 *                birth's {@code heartbeatS}, else its {@code statusIntervalS}; before either, {@link #UNKNOWN_S}
 */
public record Heartbeat(int seconds) {
    /** What a box is assumed to keep before it said anything: the old periodic default, so a new box is judged soon. */
    public static final int UNKNOWN_S = 10;
    /** Network, broker and probe-round delays on top of the heartbeats. */
    public static final long GRACE_MS = 5_000;

    public Heartbeat {
        if (seconds < 1) {
            throw new IllegalArgumentException("heartbeat must be at least 1 s, was " + seconds);
        }
    }

    /** The heartbeat of a box from what it last said. */
    public static Heartbeat of(StatusMessage status, BirthMessage birth) {
        if (status != null && (birth == null || status.bootId().equals(birth.bootId()))) {
            return new Heartbeat(status.intervalS());
        }
        // A new boot (a new agent, maybe another heartbeat) speaks for itself from its birth on.
        return new Heartbeat(birth != null ? birth.heartbeatOrInterval() : UNKNOWN_S);
    }

    /**
     * How long an online box may stay silent before it is stale: 2.5 heartbeats plus {@link #GRACE_MS}
     * — one missed heartbeat is a late box, two in a row a hung one. 30 s for a box reporting every
     * 10 s (as before report by exception), 155 s at the default 60 s.
     */
    public long staleAfterMs() {
        return seconds * 2_500L + GRACE_MS;
    }
}
