package org.syncready.controller.readiness;

import java.time.Instant;
import java.util.Optional;

/**
 * Where readiness learns that a box runs another configuration than the one it should (the rollout
 * side knows desired and reported versions). Empty means "in step, or within the grace period".
 */
@FunctionalInterface
public interface ConfigDriftSource {
    Optional<Drift> drift(String boxId, Instant now);

    /**
     * Desired vs. reported configuration of a box, and since when they differ.
     *
     * @param reportedResult what the box did with the desired version ({@code rejected}, {@code rolled_back}),
     *                       or null when it did not act on it yet
     * @param error          the box's reason for rejecting or rolling back, as it sent it (English), or null
     */
    record Drift(long desiredVersion, Long reportedVersion, String reportedResult, String error, Instant since) {
        public Drift(long desiredVersion, Long reportedVersion, Instant since) {
            this(desiredVersion, reportedVersion, null, null, since);
        }
    }

    ConfigDriftSource NONE = (boxId, now) -> Optional.empty();
}
