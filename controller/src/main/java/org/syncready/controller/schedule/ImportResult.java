package org.syncready.controller.schedule;

import java.util.List;

/**
 * What a timetable file yields: the session occurrences it describes and the rows it could not read.
 *
 * @param errors     the first problems in file order, at most {@link #MAX_LISTED_ERRORS}
 * @param errorCount every problem found, listed or not
 */
public record ImportResult(List<SessionDraft> sessions, List<ImportError> errors, int errorCount) {
    /** How many problems a result lists at most; the rest are only counted. */
    public static final int MAX_LISTED_ERRORS = ImportErrors.MAX_LISTED;

    public ImportResult {
        sessions = List.copyOf(sessions);
        errors = List.copyOf(errors);
        if (errorCount < errors.size()) {
            throw new IllegalArgumentException("errorCount " + errorCount + " < listed errors " + errors.size());
        }
    }

    /** A result whose every problem is listed. */
    public ImportResult(List<SessionDraft> sessions, List<ImportError> errors) {
        this(sessions, errors, errors.size());
    }

    public boolean hasErrors() {
        return errorCount > 0;
    }
}
