package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One microphone: signal level over the last capture window, in dBFS (0 is full scale). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MicrophoneStatus(String id, String role, DeviceState state, Double levelDbfs, Double peakDbfs,
                               @JsonProperty(required = true) boolean muted, @JsonProperty(required = true) boolean clipping, String error) {
    public MicrophoneStatus {
        Check.text(id, "microphones[].id", 64);
        Check.present(state, "microphones[].state");
    }
}
