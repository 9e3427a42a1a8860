package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the box is, re-sent on every (re)connect and on a rebirth command. {@code outboxDropped} counts
 * the messages the box's outbox has ever dropped unsent because it was full or they were too old
 * (absent: the box has no outbox or does not say).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BirthMessage(int v, String boxId, long ts, String bootId, @JsonProperty(required = true) long seq,
                           String agentVersion, String firmwareVersion, String model,
                           int statusIntervalS, Long configVersion,
                           Map<String, Capability> capabilities, List<DeviceInfo> devices,
                           Long outboxDropped) implements AgentMessage {
    public BirthMessage {
        Check.agentEnvelope(v, boxId, ts, bootId, seq);
        Check.text(agentVersion, "agentVersion", 64);
        Check.text(model, "model", 64);
        if (statusIntervalS < 1 || statusIntervalS > 3600) {
            throw Check.invalid("statusIntervalS", "must be 1..3600, was " + statusIntervalS);
        }
        capabilities = capabilities == null ? Map.of() : Map.copyOf(capabilities);
        devices = devices == null ? List.of() : List.copyOf(devices);
        if (outboxDropped != null && outboxDropped < 0) {
            throw Check.invalid("outboxDropped", "must be >= 0, was " + outboxDropped);
        }
    }

    /** A birth that says nothing about an outbox. */
    public BirthMessage(int v, String boxId, long ts, String bootId, long seq, String agentVersion, String firmwareVersion,
                        String model, int statusIntervalS, Long configVersion, Map<String, Capability> capabilities,
                        List<DeviceInfo> devices) {
        this(v, boxId, ts, bootId, seq, agentVersion, firmwareVersion, model, statusIntervalS, configVersion, capabilities,
                devices, null);
    }
}
