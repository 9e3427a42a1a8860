package org.syncready.agent.probe;

/**
 * What one probe gave in one round.
 *
 * @param probe      the probe's name
 * @param value      the value measured now, or the last good value when {@code stale}; null when none
 * @param error      why this round has no fresh value (failure or timeout); null when it has one
 * @param stale      true when {@code value} is left over from an earlier round
 * @param sampledAtMs when {@code value} was measured (epoch ms); 0 when there is no value
 */
public record ProbeResult<T>(String probe, T value, String error, boolean stale, long sampledAtMs) {

    public boolean ok() {
        return error == null;
    }

    /** A value measured now. */
    public static <T> ProbeResult<T> fresh(String probe, T value, long at) {
        return new ProbeResult<>(probe, value, null, false, at);
    }
}
