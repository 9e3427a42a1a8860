package org.syncready.controller.schedule;

/** A session or term the schedule refuses, with a code the API maps to a status (invalid, not_found, conflict). */
public final class ScheduleException extends Exception {
    private final String code;

    public ScheduleException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
