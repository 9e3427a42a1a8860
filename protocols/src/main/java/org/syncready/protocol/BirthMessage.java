package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the box is, re-sent on every (re)connect and on a rebirth command. {@code outboxDropped} counts
 * the messages the box's outbox has ever dropped unsent because it was full or they were too old
 * (absent: the box has no outbox or does not say).
 *
 * <p>{@code heartbeatS} (optional) says the box reports by exception: a status at once on every
 * significant change and otherwise at least every {@code heartbeatS} seconds, so the controller knows
 * when a status is overdue. A box that leaves it out reports every {@code statusIntervalS} seconds, as
 * before. A box that sends it sends {@code statusIntervalS} equal to it, for controllers that read only
 * {@code statusIntervalS}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BirthMessage(int v, String boxId, long ts, String bootId, @JsonProperty(required = true) long seq,
                           String agentVersion, String firmwareVersion, String model,
                           int statusIntervalS, Long configVersion,
                           Map<String, Capability> capabilities, List<DeviceInfo> devices,
                           Long outboxDropped, Integer heartbeatS) implements AgentMessage {
    /** The longest heartbeat a box may announce: one hour, as {@code statusIntervalS}. */
    public static final int MAX_HEARTBEAT_S = 3600;

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
        if (heartbeatS != null && (heartbeatS < 1 || heartbeatS > MAX_HEARTBEAT_S)) {
            throw Check.invalid("heartbeatS", "must be 1.." + MAX_HEARTBEAT_S + ", was " + heartbeatS);
        }
    }

    /** A birth of a box that reports periodically (no {@code heartbeatS}), as agents before report by exception. */
    public BirthMessage(int v, String boxId, long ts, String bootId, long seq, String agentVersion, String firmwareVersion,
                        String model, int statusIntervalS, Long configVersion, Map<String, Capability> capabilities,
                        List<DeviceInfo> devices, Long outboxDropped) {
        this(v, boxId, ts, bootId, seq, agentVersion, firmwareVersion, model, statusIntervalS, configVersion, capabilities,
                devices, outboxDropped, null);
    }

    /** The longest the box stays silent between two statuses: {@code heartbeatS} when announced, else {@code statusIntervalS}. */
    public int heartbeatOrInterval() {
        return heartbeatS != null ? heartbeatS : statusIntervalS;
    }

    /** A birth that says nothing about an outbox. */
    public BirthMessage(int v, String boxId, long ts, String bootId, long seq, String agentVersion, String firmwareVersion,
                        String model, int statusIntervalS, Long configVersion, Map<String, Capability> capabilities,
                        List<DeviceInfo> devices) {
        this(v, boxId, ts, bootId, seq, agentVersion, firmwareVersion, model, statusIntervalS, configVersion, capabilities,
                devices, null, null);
    }
}
