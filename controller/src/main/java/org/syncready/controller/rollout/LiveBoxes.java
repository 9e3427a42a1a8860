package org.syncready.controller.rollout;

import java.util.Optional;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;

/**
 * What the live fleet knows of a box right now, from its latest {@code state} and {@code birth}:
 * whether it is connected and which configuration version it says it runs. Rollouts number new
 * versions above that one (a box ignores a version that is not newer) and say it when a box times out.
 */
@FunctionalInterface
public interface LiveBoxes {
    /** Nothing known of any box (until the live fleet is wired in). */
    LiveBoxes NONE = boxId -> Optional.empty();

    /**
     * @param online        connected to the broker now
     * @param configVersion {@code birth.configVersion}: the version it runs, null when it runs none
     */
    record Seen(boolean online, Long configVersion) {
    }

    /** Empty for a box never heard from. */
    Optional<Seen> seen(String boxId);

    /** Reads the live fleet's snapshot (restored from the store at start, then kept by ingest). */
    static LiveBoxes of(LiveFleet fleet) {
        return boxId -> fleet.snapshot(boxId)
                .filter(s -> s.presence() != Presence.NEVER_SEEN || s.birth() != null)
                .map(s -> new Seen(s.presence() == Presence.ONLINE, s.birth() == null ? null : s.birth().configVersion()));
    }
}
