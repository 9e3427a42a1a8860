package org.syncready.controller.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of stored sessions by classroom, each classroom's in start order, for checking many
 * drafts at once: a draft then looks at its own classrooms' few neighbours instead of every session
 * of the day (a district's day holds thousands), which kept a 10,000-row re-import checking for 40 s.
 */
final class ClassroomTimeline {
    private static final Comparator<SyncSession> BY_START = Comparator.comparing(SyncSession::start)
            .thenComparing(SyncSession::id);

    private final Map<String, List<SyncSession>> byClassroom = new HashMap<>();
    private final Duration longest;

    /** @param longest no session lasts longer; bounds how far back a clash can have started */
    ClassroomTimeline(Collection<SyncSession> sessions, Duration longest) {
        this.longest = longest;
        for (SyncSession s : sessions) {
            byClassroom.computeIfAbsent(s.leadClassroomId(), k -> new ArrayList<>()).add(s);
            for (String r : s.remoteClassroomIds()) {
                byClassroom.computeIfAbsent(r, k -> new ArrayList<>()).add(s);
            }
        }
        byClassroom.values().forEach(l -> l.sort(BY_START));
    }

    /** A session other than {@code ignoreId} that has {@code classroom} busy in [start, end), if any. */
    Optional<SyncSession> clash(String classroom, Instant start, Instant end, String ignoreId) {
        List<SyncSession> list = byClassroom.get(classroom);
        if (list == null) {
            return Optional.empty();
        }
        Instant earliest = start.minus(longest);
        // Walk back from the last session starting before the draft ends, to the longest session's reach.
        for (int i = firstStartingAtOrAfter(list, end) - 1; i >= 0 && list.get(i).start().isAfter(earliest); i--) {
            SyncSession s = list.get(i);
            if (s.end().isAfter(start) && !s.id().equals(ignoreId)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static int firstStartingAtOrAfter(List<SyncSession> list, Instant t) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).start().isBefore(t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
