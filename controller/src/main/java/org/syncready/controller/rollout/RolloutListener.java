package org.syncready.controller.rollout;

import java.util.List;

/**
 * Told when a rollout stops by its own thresholds (paused after a bad wave, aborted on failures), on
 * the rollout thread: implementations return at once. A listener that throws is logged and changes nothing.
 */
@FunctionalInterface
public interface RolloutListener {
    /** Listens to nothing. */
    RolloutListener NONE = (id, state, reason, target, boxIds) -> {
    };

    /**
     * @param target what the rollout aims at, as a person reads it
     * @param boxIds every box of the rollout (their schools are told)
     */
    void stopped(String rolloutId, RolloutState state, String reason, String target, List<String> boxIds);
}
