package org.syncready.controller.schedule;

import java.util.List;

/** What a timetable file yields: the session occurrences it describes and the rows it could not read. */
public record ImportResult(List<SessionDraft> sessions, List<ImportError> errors) {
    public ImportResult {
        sessions = List.copyOf(sessions);
        errors = List.copyOf(errors);
    }
}
