package org.syncready.agent.sim;

/**
 * Bounds for the healthy figures of simulated boxes. They move from round to round like real ones,
 * but never leave these ranges, which stay well inside the controller's default readiness rules
 * (docs/READINESS.md), so a healthy simulated fleet never raises a false alarm:
 *
 * <table>
 *   <caption>healthy range vs. the first (warning) threshold of the default rules</caption>
 *   <tr><th>figure</th><th>healthy</th><th>rule</th></tr>
 *   <tr><td>rttMs</td><td>{@value #RTT_MIN_MS}..{@value #RTT_MAX_MS}</td><td>150</td></tr>
 *   <tr><td>jitterMs</td><td>{@value #JITTER_MIN_MS}..{@value #JITTER_MAX_MS}</td><td>30</td></tr>
 *   <tr><td>lossPct</td><td>0</td><td>1.0</td></tr>
 *   <tr><td>uplinkKbps</td><td>{@value #UPLINK_MIN_KBPS}..{@value #UPLINK_MAX_KBPS}</td><td>need x 1.25, 10,000 for two 4 Mbit/s streams</td></tr>
 *   <tr><td>ntpOffsetMs</td><td>-{@value #NTP_MAX_MS}..{@value #NTP_MAX_MS}</td><td>500</td></tr>
 *   <tr><td>diskFreeMb</td><td>{@value #DISK_MIN_MB}..{@value #DISK_MAX_MB}</td><td>about 2,700 for 45 min at 8 Mbit/s</td></tr>
 * </table>
 */
final class Healthy {
    static final double RTT_MIN_MS = 12;
    static final double RTT_MAX_MS = 40;
    static final double JITTER_MIN_MS = 0.3;
    static final double JITTER_MAX_MS = 6;
    static final int UPLINK_MIN_KBPS = 17_000;
    static final int UPLINK_MAX_KBPS = 23_000;
    static final double NTP_MAX_MS = 40;
    static final long DISK_MIN_MB = 140_000;
    static final long DISK_MAX_MB = 160_000;

    private Healthy() {
    }

    static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
