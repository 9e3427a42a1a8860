package org.syncready.protocol;

/** Constants of protocol v1. */
public final class Protocol {
    /** The value of {@code "v"} in every message. */
    public static final int VERSION = 1;
    /** Largest payload either side accepts. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    /**
     * Most cameras one status may list. A classroom box has 2–4; the bound keeps one status from
     * turning into thousands of device-change events at the controller.
     */
    public static final int MAX_CAMERAS = 16;
    /** Most microphones one status may list (a classroom has 1–4 zones). */
    public static final int MAX_MICROPHONES = 16;

    private Protocol() {
    }
}
