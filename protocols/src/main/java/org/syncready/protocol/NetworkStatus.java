package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The box's uplink. {@code link} is "up", "down" or "unknown". */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkStatus(String link, String iface, Double rttMs, Double jitterMs, Double lossPct,
                            Integer uplinkKbps, Double ntpOffsetMs, List<NetworkTarget> targets) {
    public NetworkStatus {
        Check.present(link, "network.link");
        targets = targets == null ? List.of() : List.copyOf(targets);
    }
}
