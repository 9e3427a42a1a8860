package org.syncready.protocol;

/** Command types every v1 agent understands ({@link #SIMULATE} only does something on simulated boxes). */
public final class CommandTypes {
    /** Run an active check of every device now and answer with one report. */
    public static final String SELFTEST = "selftest";
    /** Run every probe now and publish a fresh status. */
    public static final String REPROBE = "reprobe";
    /** Publish birth and status again; sent by the controller when it sees a gap or a status without birth. */
    public static final String REBIRTH = "rebirth";
    /** Restart the agent process (systemd brings it back). */
    public static final String RESTART_AGENT = "restart-agent";
    /**
     * Switch faults of a simulated box on or off (args: a {@link FaultChange}); refused by a box
     * running real probes.
     */
    public static final String SIMULATE = "simulate";

    private CommandTypes() {
    }
}
