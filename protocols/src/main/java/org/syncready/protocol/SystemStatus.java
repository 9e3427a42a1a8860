package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Load and resources of the box itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SystemStatus(Double cpuPct, Double memPct, Long diskFreeMb, Double tempC, Long uptimeS) {
}
