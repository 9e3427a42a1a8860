package org.syncready.controller.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the occurrences one file yields against each other: a classroom cannot be in two sessions at
 * once. The later line of a clashing pair gets the error and loses its occurrences, so a caller who
 * asks to skip bad rows keeps the first one. Shared by the CSV and iCalendar readers.
 */
final class Occurrences {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("HH:mm");

    /** An occurrence with the line it came from and the field names that line uses for its classrooms. */
    record Tagged(SessionDraft draft, int line, String leadField, String remotesField) {
    }

    private record Use(String classroom, Instant start, Instant end, int line, String field, Tagged from) {
    }

    private Occurrences() {
    }

    /** Returns the drafts of lines without a clash, sorted by start then lead, adding one error per clash. */
    static List<SessionDraft> withoutConflicts(List<Tagged> tagged, ZoneId zone, List<ImportError> errors) {
        Map<String, List<Use>> byClassroom = new HashMap<>();
        for (Tagged t : tagged) {
            SessionDraft d = t.draft();
            byClassroom.computeIfAbsent(d.leadClassroomId(), k -> new ArrayList<>())
                    .add(new Use(d.leadClassroomId(), d.start(), d.end(), t.line(), t.leadField(), t));
            for (String r : d.remoteClassroomIds()) {
                byClassroom.computeIfAbsent(r, k -> new ArrayList<>()).add(new Use(r, d.start(), d.end(), t.line(), t.remotesField(), t));
            }
        }
        Set<Integer> badLines = new HashSet<>();
        Set<String> reported = new HashSet<>();
        List<ImportError> found = new ArrayList<>();
        byClassroom.keySet().stream().sorted().forEach(classroom -> {
            List<Use> uses = byClassroom.get(classroom);
            uses.sort(Comparator.comparing(Use::start).thenComparingInt(Use::line));
            List<Use> active = new ArrayList<>();
            for (Use u : uses) {
                active.removeIf(a -> !a.end().isAfter(u.start()));
                for (Use a : active) {
                    if (a.line() == u.line()) {
                        continue;
                    }
                    Use later = a.line() > u.line() ? a : u;
                    Use earlier = later == a ? u : a;
                    if (reported.add(later.line() + "/" + earlier.line() + "/" + classroom)) {
                        badLines.add(later.line());
                        found.add(new ImportError(later.line(), later.field(), "classroom '" + classroom
                                + "' is already in the session of line " + earlier.line() + " at "
                                + WHEN.format(earlier.start().atZone(zone)) + "–" + UNTIL.format(earlier.end().atZone(zone))
                                + " (" + zone.getId() + ")"));
                    }
                }
                active.add(u);
            }
        });
        errors.addAll(found);
        List<SessionDraft> kept = new ArrayList<>();
        for (Tagged t : tagged) {
            if (!badLines.contains(t.line())) {
                kept.add(t.draft());
            }
        }
        kept.sort(Comparator.comparing(SessionDraft::start).thenComparing(SessionDraft::leadClassroomId)
                .thenComparing(SessionDraft::source));
        return kept;
    }
}
