package org.syncready.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syncready.agent.probe.Snapshot;

/**
 * What the agent's log says about its status: one line when something significant changes (a
 * device's state, the link, a target becoming unreachable, the stream, a probe failing), one when
 * it ends, with how long it lasted, and nothing while it stays the same. Compared with what the
 * log last said, not with what was last published: while the broker is down nothing is published,
 * and comparing with the last publication logged the same change every probe round.
 *
 * <p>Used by the work thread only.
 */
final class StatusChangeLog {
    private Snapshot.Significant logged;
    private final Map<String, Long> unreachableSince = new HashMap<>();
    private final Map<String, Long> failingSince = new HashMap<>();

    /**
     * The line to log for this probe round, or null when nothing changed since the last line. The
     * first round logs only what is already wrong (unreachable targets, failing probes); devices,
     * link and stream are in the agent's start and birth.
     */
    String describe(Snapshot.Significant now, long nowMs) {
        Snapshot.Significant before = logged != null ? logged
                : new Snapshot.Significant(now.devices(), now.link(), List.of(), now.stream(), List.of());
        logged = now;
        if (now.equals(before)) {
            return null;
        }
        List<String> changes = new ArrayList<>();
        for (String d : now.devices()) {
            if (!before.devices().contains(d)) {
                changes.add(d);
            }
        }
        if (!now.link().equals(before.link())) {
            changes.add("link " + now.link());
        }
        appendStartsAndEnds(changes, "unreachable targets", "reachable again", before.unreachableTargets(),
                now.unreachableTargets(), unreachableSince, nowMs);
        if (now.stream() != null && !now.stream().equals(before.stream())) {
            changes.add("stream pushing " + now.stream());
        }
        appendStartsAndEnds(changes, "failing probes", "probes answering again", before.failingProbes(),
                now.failingProbes(), failingSince, nowMs);
        return changes.isEmpty() ? null : "status changed: " + String.join("; ", changes);
    }

    /** "unreachable targets [controller]" when some start; "reachable again: controller after 2 min 5 s" when some end. */
    private static void appendStartsAndEnds(List<String> changes, String started, String ended, List<String> before,
                                            List<String> now, Map<String, Long> since, long nowMs) {
        List<String> ends = new ArrayList<>();
        for (String name : before) {
            if (!now.contains(name)) {
                Long from = since.remove(name);
                ends.add(name + (from == null ? "" : " after " + duration(nowMs - from)));
            }
        }
        boolean anyNew = false;
        for (String name : now) {
            if (!before.contains(name)) {
                since.put(name, nowMs);
                anyNew = true;
            }
        }
        if (anyNew) {
            changes.add(started + " " + now);
        }
        if (!ends.isEmpty()) {
            changes.add(ended + ": " + String.join(", ", ends));
        }
    }

    /** 45 s, 2 min 5 s, 1 h 3 min. */
    static String duration(long ms) {
        long s = Math.max(0, ms) / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
