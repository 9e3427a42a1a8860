package org.syncready.protocol;

/** The envelope every protocol v1 message carries. */
public sealed interface Message permits AgentMessage, ConfigDesired, CommandRequest {
    /** Protocol version, always {@link Protocol#VERSION}. */
    int v();

    String boxId();

    /** Epoch milliseconds, sender's clock. */
    long ts();
}
