package org.syncready.agent.outbox;

/** The outbox file cannot be read or written (disk full, file damaged, no permission). */
public final class OutboxException extends Exception {
    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
