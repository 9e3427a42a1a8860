package org.syncready.controller.schedule;

/** One problem in an imported file: where (line, field) and what, in words a school can act on. */
public record ImportError(int line, String field, String message) {
    @Override
    public String toString() {
        return "line " + line + (field == null ? "" : ", " + field) + ": " + message;
    }
}
