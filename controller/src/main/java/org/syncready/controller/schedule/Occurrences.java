package org.syncready.controller.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the occurrences one file yields against each other: a classroom cannot be in two sessions at
 * once. Of two clashing lines the later one is bad and loses its occurrences, so a caller who asks to
 * skip bad rows keeps the first one. Each bad line gets one error, naming the first clash found for it.
 * Shared by the CSV and iCalendar readers.
 *
 * <p>The work grows with the occurrences, not with the clashes: 2,000 rows in one slot are 1,999 bad
 * lines found in one sweep per classroom, not two million pairs (which once exhausted the controller's
 * memory during a dry run).
 */
final class Occurrences {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("HH:mm");

    /** An occurrence with the line it came from and the field names that line uses for its classrooms. */
    record Tagged(SessionDraft draft, int line, String leadField, String remotesField) {
    }

    /** One classroom taken by one occurrence; {@code id} makes uses of equal times distinct in sorted sets. */
    private record Use(int id, Instant start, Instant end, int line, String field) {
    }

    /**
     * The drafts of the lines without a clash, and the work the check did: how many uses it looked at
     * while sweeping (each classroom use is added, expired and compared a bounded number of times).
     */
    record Checked(List<SessionDraft> kept, long visits) {
    }

    private static final Comparator<Use> BY_LINE = Comparator.comparingInt(Use::line).thenComparingInt(Use::id);
    private static final Comparator<Use> BY_END = Comparator.comparing(Use::end).thenComparingInt(Use::id);
    private static final Comparator<Use> BY_START = Comparator.comparing(Use::start).thenComparingInt(Use::line)
            .thenComparingInt(Use::id);

    private Occurrences() {
    }

    /** Returns the drafts of lines without a clash, sorted by start then lead, adding one error per bad line. */
    static List<SessionDraft> withoutConflicts(List<Tagged> tagged, ZoneId zone, ImportErrors errors) {
        return check(tagged, zone, errors).kept();
    }

    static Checked check(List<Tagged> tagged, ZoneId zone, ImportErrors errors) {
        Map<String, List<Use>> byClassroom = new HashMap<>();
        int id = 0;
        for (Tagged t : tagged) {
            SessionDraft d = t.draft();
            byClassroom.computeIfAbsent(d.leadClassroomId(), k -> new ArrayList<>())
                    .add(new Use(id++, d.start(), d.end(), t.line(), t.leadField()));
            for (String r : d.remoteClassroomIds()) {
                byClassroom.computeIfAbsent(r, k -> new ArrayList<>()).add(new Use(id++, d.start(), d.end(), t.line(), t.remotesField()));
            }
        }
        Set<Integer> badLines = new HashSet<>();
        long visits = 0;
        for (String classroom : new TreeSet<>(byClassroom.keySet())) {
            visits += sweep(classroom, byClassroom.get(classroom), zone, badLines, errors);
        }
        List<SessionDraft> kept = new ArrayList<>();
        for (Tagged t : tagged) {
            if (!badLines.contains(t.line())) {
                kept.add(t.draft());
            }
        }
        kept.sort(Comparator.comparing(SessionDraft::start).thenComparing(SessionDraft::leadClassroomId)
                .thenComparing(SessionDraft::source));
        return new Checked(kept, visits);
    }

    /**
     * One classroom's uses in start order. A use clashes with every active use (started before it,
     * ending after its start); of such a pair the higher line is bad. So the new use's line is bad when
     * the lowest active line is lower, and every active line above it that is not bad yet becomes bad.
     * A line leaves the "not bad yet" set once, which keeps the sweep linear (times a logarithm).
     */
    private static long sweep(String classroom, List<Use> uses, ZoneId zone, Set<Integer> badLines, ImportErrors errors) {
        uses.sort(BY_START);
        PriorityQueue<Use> byEnd = new PriorityQueue<>(BY_END);
        TreeSet<Use> active = new TreeSet<>(BY_LINE);
        Map<Integer, Integer> activeUses = new HashMap<>();
        TreeMap<Integer, String> activeNotBad = new TreeMap<>();
        long visits = 0;
        for (Use u : uses) {
            while (!byEnd.isEmpty() && !byEnd.peek().end().isAfter(u.start())) {
                Use over = byEnd.poll();
                visits++;
                active.remove(over);
                if (activeUses.merge(over.line(), -1, Integer::sum) == 0) {
                    activeUses.remove(over.line());
                    activeNotBad.remove(over.line());
                }
            }
            if (!active.isEmpty()) {
                Use lowest = active.first();
                visits++;
                if (lowest.line() < u.line() && badLines.add(u.line())) {
                    errors.add(clash(classroom, u.line(), u.field(), lowest, zone));
                }
                Iterator<Map.Entry<Integer, String>> later = activeNotBad.tailMap(u.line(), false).entrySet().iterator();
                while (later.hasNext()) {
                    Map.Entry<Integer, String> line = later.next();
                    visits++;
                    later.remove();
                    if (badLines.add(line.getKey())) {
                        errors.add(clash(classroom, line.getKey(), line.getValue(), u, zone));
                    }
                }
            }
            active.add(u);
            byEnd.add(u);
            visits++;
            activeUses.merge(u.line(), 1, Integer::sum);
            if (!badLines.contains(u.line())) {
                activeNotBad.put(u.line(), u.field());
            }
        }
        return visits;
    }

    private static ImportError clash(String classroom, int line, String field, Use earlier, ZoneId zone) {
        return new ImportError(line, field, "classroom '" + classroom + "' is already in the session of line "
                + earlier.line() + " at " + WHEN.format(earlier.start().atZone(zone)) + "–"
                + UNTIL.format(earlier.end().atZone(zone)) + " (" + zone.getId() + ")");
    }
}
