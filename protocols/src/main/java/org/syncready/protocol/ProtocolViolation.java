package org.syncready.protocol;

/**
 * Thrown by the message records' constructors, so that no invalid message can be built on either
 * side; the codec turns it into a {@link ProtocolException}.
 */
final class ProtocolViolation extends IllegalArgumentException {
    final ProtocolException.Reason reason;

    ProtocolViolation(ProtocolException.Reason reason, String message) {
        super(message);
        this.reason = reason;
    }
}
