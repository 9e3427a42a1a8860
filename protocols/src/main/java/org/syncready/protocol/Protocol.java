package org.syncready.protocol;

/** Constants of protocol v1. */
public final class Protocol {
    /** The value of {@code "v"} in every message. */
    public static final int VERSION = 1;
    /** Largest payload either side accepts. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private Protocol() {
    }
}
