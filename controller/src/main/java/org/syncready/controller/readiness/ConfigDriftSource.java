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

    /** Desired vs. reported configuration of a box, and since when they differ. */
    record Drift(long desiredVersion, Long reportedVersion, Instant since) {
    }

    ConfigDriftSource NONE = (boxId, now) -> Optional.empty();
}
