package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** What the planner reads of the boxes' configuration state ({@link DesiredConfigs} in the controller). */
interface ConfigState {
    /** The profile assigned to the box, or null before its first rollout. */
    String profileOf(String boxId);

    /** The override layer stored under {@code "school:<id>"} or {@code "box:<id>"}, or null. */
    JsonNode override(String key);

    /** The box's latest desired document. */
    Optional<RolloutStore.Desired> desired(String boxId);

    /** The version the box last said it runs, or null. */
    Long runningVersion(String boxId);
}
