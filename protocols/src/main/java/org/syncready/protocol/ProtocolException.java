package org.syncready.protocol;

/** A payload or topic that does not follow protocol v1. The reason is meant for counting, the message for people. */
public final class ProtocolException extends Exception {

    /** Why a message was refused; the lower-case name is used as a metrics label. */
    public enum Reason {
        TOO_LARGE, BAD_JSON, UNSUPPORTED_VERSION, MISSING_FIELD, INVALID_FIELD, BOX_MISMATCH, BAD_BOX_ID, BAD_TOPIC;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public ProtocolException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
