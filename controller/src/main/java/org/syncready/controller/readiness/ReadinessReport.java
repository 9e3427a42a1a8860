package org.syncready.controller.readiness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/**
 * The bureau's figures over a period, per school or per classroom. A row counts classroom-sessions
 * (one classroom taking part in one session): how many there were, how many were READY at the last
 * check before the start, how many ran without an incident, and the minutes lost to blocking
 * incidents (overlapping incidents of one classroom count once).
 *
 * <p>A classroom-session the controller never checked (no check before nor during it: the controller
 * was down, or the session was imported afterwards) is {@code unchecked}: nobody knows how it went,
 * so it counts neither as held without incident nor in the readiness rate.
 * {@code sessions = unchecked + withoutIncident + classroom-sessions with incidents}.
 */
public final class ReadinessReport {
    /**
     * One row of the report. {@code readinessRate} is READY / checked, null when nothing was checked;
     * {@code checked}: a check before the start; {@code unchecked}: no check at all.
     */
    public record Row(String key, int sessions, int checked, int unchecked, int ready, Double readinessRate,
                      int withoutIncident, int incidents, long minutesLost) {
    }

    public enum GroupBy {
        SCHOOL, CLASSROOM
    }

    private final SessionStore sessions;
    private final CheckStore store;

    public ReadinessReport(SessionStore sessions, CheckStore store) {
        this.sessions = sessions;
        this.store = store;
    }

    /** Sessions starting in [from, to), grouped; {@code schoolOf} maps a classroom to its school. */
    public List<Row> build(Instant from, Instant to, GroupBy groupBy, Function<String, String> schoolOf) {
        List<SyncSession> inRange = sessions.overlapping(from, to).stream()
                .filter(s -> !s.start().isBefore(from) && s.start().isBefore(to)).toList();
        Map<String, Instant> starts = new HashMap<>();
        inRange.forEach(s -> starts.put(s.id(), s.start()));
        Map<String, SessionReadiness> before = store.lastBeforeStart(starts, from, to);
        // Any kept check (before, during or on demand) means the controller looked at the session.
        Map<String, SessionReadiness> anyCheck = store.latest(starts.keySet());
        Map<String, List<Incident>> incidents = new HashMap<>();
        for (Incident i : store.incidents(from, to.plus(SessionStore.MAX_DURATION))) {
            incidents.computeIfAbsent(i.sessionId() + "|" + i.classroomId(), k -> new ArrayList<>()).add(i);
        }
        Map<String, long[]> acc = new TreeMap<>(); // sessions, checked, ready, withoutIncident, incidents, lostMs, unchecked
        for (SyncSession s : inRange) {
            SessionReadiness check = before.get(s.id());
            for (String classroom : s.classroomIds()) {
                String key = groupBy == GroupBy.CLASSROOM ? classroom : String.valueOf(schoolOf.apply(classroom));
                long[] a = acc.computeIfAbsent(key, k -> new long[7]);
                a[0]++;
                if (check != null) {
                    check.classrooms().stream().filter(c -> c.classroomId().equals(classroom)).findFirst().ifPresent(c -> {
                        a[1]++;
                        if (c.verdict() == Verdict.READY) {
                            a[2]++;
                        }
                    });
                }
                List<Incident> list = incidents.getOrDefault(s.id() + "|" + classroom, List.of());
                if (list.isEmpty()) {
                    if (checked(check, classroom) || checked(anyCheck.get(s.id()), classroom)) {
                        a[3]++;
                    } else {
                        a[6]++;
                    }
                }
                a[4] += list.size();
                a[5] += lostMillis(list, s);
            }
        }
        List<Row> rows = new ArrayList<>();
        acc.forEach((key, a) -> rows.add(new Row(key, (int) a[0], (int) a[1], (int) a[6], (int) a[2],
                a[1] == 0 ? null : Math.round(1000.0 * a[2] / a[1]) / 1000.0, (int) a[3], (int) a[4],
                Duration.ofMillis(a[5]).toMinutes())));
        return rows;
    }

    private static boolean checked(SessionReadiness check, String classroom) {
        return check != null && check.classrooms().stream().anyMatch(c -> c.classroomId().equals(classroom));
    }

    /** Length of the union of the blocking incidents, clipped to the session. */
    static long lostMillis(List<Incident> incidents, SyncSession s) {
        List<long[]> spans = new ArrayList<>();
        for (Incident i : incidents) {
            if (i.severity() != Severity.BLOCKING) {
                continue;
            }
            long start = Math.max(i.start().toEpochMilli(), s.start().toEpochMilli());
            long end = Math.min(i.end() == null ? s.end().toEpochMilli() : i.end().toEpochMilli(), s.end().toEpochMilli());
            if (end > start) {
                spans.add(new long[] {start, end});
            }
        }
        spans.sort((x, y) -> Long.compare(x[0], y[0]));
        long total = 0;
        long curStart = Long.MIN_VALUE;
        long curEnd = Long.MIN_VALUE;
        for (long[] span : spans) {
            if (span[0] > curEnd) {
                total += curEnd - curStart;
                curStart = span[0];
                curEnd = span[1];
            } else {
                curEnd = Math.max(curEnd, span[1]);
            }
        }
        return total + (curEnd - curStart);
    }
}
