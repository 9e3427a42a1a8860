package org.syncready.controller.rollout;

import java.util.List;
import java.util.Map;

/**
 * A rollout as the API shows it (times as ISO-8601 instants).
 *
 * @param wave      the current wave, from 1
 * @param waveSizes boxes per wave
 * @param counts    boxes per state label
 */
public record RolloutView(String id, String state, String createdAt, String actor, String profile, String target,
                          boolean force, String note, int wave, List<Integer> waveSizes, String reason,
                          Map<String, Integer> counts, List<Box> boxes) {

    /** The same without its per-box list. */
    public RolloutView withoutBoxes() {
        return new RolloutView(id, state, createdAt, actor, profile, target, force, note, wave, waveSizes, reason, counts, List.of());
    }

    /** One box of the rollout. */
    public record Box(String boxId, int wave, String state, String profile, Long version, Long previousVersion,
                      String sentAt, String deferredUntil, String error) {
    }
}
