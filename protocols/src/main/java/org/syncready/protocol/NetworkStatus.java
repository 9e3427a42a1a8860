package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The box's uplink. {@code link} is "up", "down" or "unknown".
 *
 * @param uplinkMeasuredAt when {@code uplinkKbps} was measured, epoch ms of the box clock; a postponed
 *                         speed test keeps the previous figure, so compare this with the status {@code ts}
 *                         for its age. Null when unknown (older agents, no figure).
 * @param ntpMeasuredAt    when {@code ntpOffsetMs} was measured, epoch ms of the box clock, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkStatus(String link, String iface, Double rttMs, Double jitterMs, Double lossPct,
                            Integer uplinkKbps, Double ntpOffsetMs, List<NetworkTarget> targets,
                            Long uplinkMeasuredAt, Long ntpMeasuredAt) {
    public NetworkStatus {
        Check.present(link, "network.link");
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** A status without measurement times (links without periodic checks, older code). */
    public NetworkStatus(String link, String iface, Double rttMs, Double jitterMs, Double lossPct,
                         Integer uplinkKbps, Double ntpOffsetMs, List<NetworkTarget> targets) {
        this(link, iface, rttMs, jitterMs, lossPct, uplinkKbps, ntpOffsetMs, targets, null, null);
    }
}
