package org.syncready.controller.rollout;

import java.time.Instant;

/**
 * A box that has not been running its desired configuration for longer than the grace period
 * (readiness turns it into {@code CONFIG_DRIFT}).
 *
 * @param desiredVersion  the version published for the box
 * @param reportedVersion the version it last said it runs or acted on; null when it never reported
 * @param reportedResult  what it did with {@code reportedVersion} ({@code applied}, {@code rejected}, {@code rolled_back}), or null
 * @param since           when the desired version was published
 * @param detail          for people
 */
public record ConfigDrift(String boxId, long desiredVersion, Long reportedVersion, String reportedResult, Instant since,
                          String detail) {
}
