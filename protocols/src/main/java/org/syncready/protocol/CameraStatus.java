package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One camera as the agent last saw it; measured values are null where the probe could not tell.
 *
 * @param codec       video codec the camera sends, e.g. {@code h264}
 * @param black       the picture was black over the deep check's window
 * @param source      where the box reaches it: a device node or a URL without credentials
 * @param deepCheckTs when the latest deep (decoding) check ran, epoch ms; null when none ran
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CameraStatus(String id, CameraRole role, CameraKind kind, DeviceState state,
                           Integer width, Integer height, Double fps, Integer bitrateKbps,
                           Boolean frozen, String error, String codec, Boolean black, String source,
                           Long deepCheckTs) {
    public CameraStatus {
        Check.text(id, "cameras[].id", 64);
        Check.present(role, "cameras[].role");
        Check.present(kind, "cameras[].kind");
        Check.present(state, "cameras[].state");
    }

    /** A status without the deep-check and source fields, as the simulated probes and older code build it. */
    public CameraStatus(String id, CameraRole role, CameraKind kind, DeviceState state,
                        Integer width, Integer height, Double fps, Integer bitrateKbps,
                        Boolean frozen, String error) {
        this(id, role, kind, state, width, height, fps, bitrateKbps, frozen, error, null, null, null, null);
    }

    /** The same camera in another state with another error, every measured value kept. */
    public CameraStatus withState(DeviceState newState, String newError) {
        return new CameraStatus(id, role, kind, newState, width, height, fps, bitrateKbps, frozen, newError,
                codec, black, source, deepCheckTs);
    }
}
