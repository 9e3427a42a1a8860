package org.syncready.protocol;

/** Retained on {@link Topics#CONTROLLER_STATE}; the controller's Will publishes the offline form. */
public record ControllerState(int v, long ts, String state, String version) {
    public ControllerState {
        if (v != Protocol.VERSION) {
            throw new ProtocolViolation(ProtocolException.Reason.UNSUPPORTED_VERSION, "unsupported protocol version v=" + v);
        }
        Check.text(state, "state", 16);
    }
}
