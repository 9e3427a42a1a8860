package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The box's full current state, retained, published every {@code intervalS} seconds and at once on a
 * change. Full state rather than change events, so a restarting controller knows every box at once.
 *
 * <p>{@code historical} is true on a status the box made while it could not send it (it waited in the
 * box's outbox): the controller files it into history but never lets it hide a newer status. Absent or
 * null means false, and a live status leaves it out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusMessage(int v, String boxId, long ts, String bootId, @JsonProperty(required = true) long seq, int intervalS,
                            List<CameraStatus> cameras, List<MicrophoneStatus> microphones,
                            NetworkStatus network, SystemStatus system, StreamStatus stream,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean historical,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EquipmentStatus> equipment) implements AgentMessage {
    public StatusMessage {
        Check.agentEnvelope(v, boxId, ts, bootId, seq);
        if (intervalS < 1 || intervalS > 3600) {
            throw Check.invalid("intervalS", "must be 1..3600, was " + intervalS);
        }
        cameras = List.copyOf(Check.atMost(Check.present(cameras, "cameras"), Protocol.MAX_CAMERAS, "cameras"));
        microphones = List.copyOf(Check.atMost(Check.present(microphones, "microphones"), Protocol.MAX_MICROPHONES,
                "microphones"));
        Check.present(network, "network");
        Check.present(system, "system");
        equipment = equipment == null ? List.of() : List.copyOf(equipment);
    }

    /** A live status (not historical) of a box without classroom equipment. */
    public StatusMessage(int v, String boxId, long ts, String bootId, long seq, int intervalS,
                         List<CameraStatus> cameras, List<MicrophoneStatus> microphones,
                         NetworkStatus network, SystemStatus system, StreamStatus stream) {
        this(v, boxId, ts, bootId, seq, intervalS, cameras, microphones, network, system, stream, false, List.of());
    }

    /** A status of a box without classroom equipment. */
    public StatusMessage(int v, String boxId, long ts, String bootId, long seq, int intervalS,
                         List<CameraStatus> cameras, List<MicrophoneStatus> microphones,
                         NetworkStatus network, SystemStatus system, StreamStatus stream, boolean historical) {
        this(v, boxId, ts, bootId, seq, intervalS, cameras, microphones, network, system, stream, historical, List.of());
    }

    /** A live status (not historical) with the classroom equipment the box reads. */
    public StatusMessage(int v, String boxId, long ts, String bootId, long seq, int intervalS,
                         List<CameraStatus> cameras, List<MicrophoneStatus> microphones,
                         NetworkStatus network, SystemStatus system, StreamStatus stream, List<EquipmentStatus> equipment) {
        this(v, boxId, ts, bootId, seq, intervalS, cameras, microphones, network, system, stream, false, equipment);
    }

    /** The same status with a new envelope: what changed is only when and in which order it was sent. */
    public StatusMessage withEnvelope(long ts, long seq) {
        return new StatusMessage(v, boxId, ts, bootId, seq, intervalS, cameras, microphones, network, system, stream, historical,
                equipment);
    }

    /** The same status marked as made while the box could not send it. */
    public StatusMessage asHistorical() {
        return new StatusMessage(v, boxId, ts, bootId, seq, intervalS, cameras, microphones, network, system, stream, true,
                equipment);
    }
}
