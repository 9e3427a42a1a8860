package org.syncready.protocol;

/** Retained on {@link Topics#CONTROLLER_STATE}; the controller's Will publishes the offline form. */
public record ControllerState(int v, long ts, String state, String version) {
    public ControllerState {
        if (v != Protocol.VERSION) {
            throw new ProtocolViolation(ProtocolException.Reason.UNSUPPORTED_VERSION, "unsupported protocol version v=" + v);
        }
        // Same envelope rule as every other message, and the two values the contract knows: an agent that
        // compares against "offline" must not be handed "OFFLINE" or "down" that it would read as up.
        Check.positive(ts, "ts");
        Check.text(state, "state", 16);
        if (!state.equals("online") && !state.equals("offline")) {
            throw Check.invalid("state", "must be 'online' or 'offline', was '" + Check.abbreviate(state) + "'");
        }
    }
}
