package org.syncready.controller.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored session occurrence: a lead classroom streaming to remote classrooms from start to end.
 * A weekly timetable is stored as its occurrences, so each can be checked, moved or cancelled alone.
 */
public record SyncSession(String id, String leadClassroomId, List<String> remoteClassroomIds, String subject,
                          String teacher, SessionKind kind, Instant start, Instant end, String source) {
    public SyncSession {
        remoteClassroomIds = List.copyOf(remoteClassroomIds);
    }

    /** The lead classroom first, then the remote ones in their order. */
    public List<String> classroomIds() {
        List<String> all = new ArrayList<>(remoteClassroomIds.size() + 1);
        all.add(leadClassroomId);
        all.addAll(remoteClassroomIds);
        return all;
    }

    public boolean runningAt(Instant at) {
        return !at.isBefore(start) && at.isBefore(end);
    }

    /** Same content as a draft (ignoring where it came from): re-importing it changes nothing. */
    boolean sameAs(SessionDraft d) {
        return leadClassroomId.equals(d.leadClassroomId()) && remoteClassroomIds.equals(d.remoteClassroomIds())
                && subject.equals(d.subject()) && java.util.Objects.equals(teacher, d.teacher())
                && kind == d.kind() && start.equals(d.start()) && end.equals(d.end());
    }
}
