package org.syncready.agent.probe;

import org.syncready.protocol.Capability;

/**
 * One thing the agent measures. {@link #sample()} may block (a device that hangs, a slow host) and
 * may throw; {@link ProbeRunner} bounds it with a timeout so no probe can hold up reporting.
 *
 * @param <T> the value one sample yields
 */
public interface Probe<T> {
    /** Short stable name used in logs and reports, e.g. {@code camera}, {@code network}. */
    String name();

    /** Measures now. Throwing means "could not measure", which is reported as the probe's error. */
    T sample() throws Exception;

    /** What this probe can tell on this box, for the birth message's capability map. */
    default Capability capability() {
        return new Capability(true, null);
    }
}
