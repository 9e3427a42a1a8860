package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One camera as the agent last saw it; measured numbers are null where the probe could not tell. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CameraStatus(String id, CameraRole role, CameraKind kind, DeviceState state,
                           Integer width, Integer height, Double fps, Integer bitrateKbps,
                           Boolean frozen, String error) {
    public CameraStatus {
        Check.text(id, "cameras[].id", 64);
        Check.present(role, "cameras[].role");
        Check.present(kind, "cameras[].kind");
        Check.present(state, "cameras[].state");
    }
}
