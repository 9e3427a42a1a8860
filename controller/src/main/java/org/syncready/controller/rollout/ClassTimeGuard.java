package org.syncready.controller.rollout;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a box may receive a new configuration now. The schedule plugs in here: a box whose classroom
 * is in a sync session, or inside the guard window before one, is busy until the session ends.
 */
@FunctionalInterface
public interface ClassTimeGuard {
    /** Never busy: used until a schedule is wired in. */
    ClassTimeGuard NEVER_BUSY = (boxId, now) -> Optional.empty();

    /** Empty when {@code boxId} is free to receive configuration at {@code now}; else when it becomes free. */
    Optional<Instant> busyUntil(String boxId, Instant now);
}
