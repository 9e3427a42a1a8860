package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Reachability of one host the box depends on (controller, stream server, NTP server). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkTarget(String name, String host, @JsonProperty(required = true) int port, @JsonProperty(required = true) boolean reachable, Double rttMs, String error) {
    public NetworkTarget {
        Check.text(name, "network.targets[].name", 64);
        Check.text(host, "network.targets[].host", 253);
    }
}
