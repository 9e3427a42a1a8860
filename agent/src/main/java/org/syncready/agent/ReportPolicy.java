package org.syncready.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.syncready.agent.config.ReportRules;
import org.syncready.agent.config.ReportRules.Metric;
import org.syncready.agent.probe.Snapshot;
import org.syncready.protocol.MicrophoneStatus;

/**
 * Report by exception: decides whether a probe round's snapshot is published at once or waits, from
 * the snapshot last published and the new one. At once when something significant changed (a device's
 * state or flags, equipment, the link, a target's reachability, the stream, a probe failing or
 * answering again — {@link Snapshot#significant()}) or a measured number changed as its
 * {@link ReportRules} say (a limit crossed, or a large enough relative change); otherwise the status
 * waits for the heartbeat, the longest the box stays silent.
 *
 * <p>Stateless apart from its settings; the caller keeps what was published and when.
 */
public final class ReportPolicy {
    private final int heartbeatS;
    private final ReportRules rules;

    public ReportPolicy(int heartbeatS, ReportRules rules) {
        if (heartbeatS < 1) {
            throw new IllegalArgumentException("heartbeatS must be at least 1, was " + heartbeatS);
        }
        this.heartbeatS = heartbeatS;
        this.rules = Objects.requireNonNull(rules);
    }

    public int heartbeatS() {
        return heartbeatS;
    }

    /**
     * Why {@code now} must be published at once, or null when it can wait for the heartbeat. Null too
     * when nothing was published yet: the first status follows the connect anyway.
     */
    public String changed(Snapshot published, Snapshot now) {
        if (published == null) {
            return null;
        }
        if (!published.significant().equals(now.significant())) {
            return "state changed";
        }
        String why = number(Metric.RTT_MS, published.network().rttMs(), now.network().rttMs());
        why = why != null ? why : number(Metric.JITTER_MS, published.network().jitterMs(), now.network().jitterMs());
        why = why != null ? why : number(Metric.LOSS_PCT, published.network().lossPct(), now.network().lossPct());
        why = why != null ? why : number(Metric.UPLINK_KBPS, toDouble(published.network().uplinkKbps()),
                toDouble(now.network().uplinkKbps()));
        why = why != null ? why : number(Metric.DISK_FREE_MB, toDouble(published.system().diskFreeMb()),
                toDouble(now.system().diskFreeMb()));
        if (why == null) {
            Map<String, Double> before = new HashMap<>();
            for (MicrophoneStatus m : published.microphones()) {
                before.put(m.id(), m.levelDbfs());
            }
            for (MicrophoneStatus m : now.microphones()) {
                String w = number(Metric.LEVEL_DBFS, before.get(m.id()), m.levelDbfs());
                if (w != null) {
                    return "microphone " + m.id() + " " + w;
                }
            }
        }
        return why;
    }

    /** Whether the heartbeat is due: nothing was published for {@code heartbeatS} since {@code publishedAtMs}. */
    public boolean heartbeatDue(long publishedAtMs, long nowMs) {
        return nowMs - publishedAtMs >= heartbeatS * 1000L;
    }

    private String number(Metric m, Double before, Double now) {
        if (before == null && now == null) {
            return null;
        }
        if (before == null || now == null) {
            return m.key() + (now == null ? " gone" : " measured");
        }
        String why = rules.rule(m).significant(before, now);
        return why == null ? null : m.key() + " " + why + " (" + before + " → " + now + ")";
    }

    private static Double toDouble(Number n) {
        return n == null ? null : n.doubleValue();
    }
}
