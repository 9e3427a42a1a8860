package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a rollout would do (a dry run), or did when it started.
 *
 * @param boxes     the boxes that change, in sending order
 * @param unchanged boxes of the target already running exactly this configuration (left out)
 * @param waveSizes boxes per wave
 */
public record RolloutPlan(List<Box> boxes, List<String> unchanged, List<Integer> waveSizes) {

    /**
     * @param change        {@code first} (no desired configuration yet) or {@code update}
     * @param deferredUntil set when the class-time guard would defer it now
     * @param diff          changed values between the current desired body and the new one
     */
    public record Box(String boxId, String schoolId, String classroomId, String model, String profile, int wave,
                      String change, String deferredUntil, List<Change> diff, JsonNode body) {
    }

    /** One changed value; a null side means added or removed. */
    public record Change(String path, JsonNode from, JsonNode to) {
    }
}
