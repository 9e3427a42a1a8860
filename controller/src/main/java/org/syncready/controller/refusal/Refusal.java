package org.syncready.controller.refusal;

import java.util.List;

/**
 * A request the controller will not carry out, for a reason the caller can fix: the one refusal type
 * every capability throws and the HTTP API maps to a status in one place
 * ({@code org.syncready.controller.api.ApiContext}).
 *
 * <p>Unchecked on purpose: refusals cross the store, domain and API layers, and a checked type there
 * only turned into {@code throws Exception} on every public method.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of refusal; each maps to one HTTP status and one API error code. */
    public enum Kind {
        INVALID(400, "invalid"),
        UNPROCESSABLE(422, "unprocessable"),
        NOT_FOUND(404, "not_found"),
        CONFLICT(409, "conflict"),
        FORBIDDEN(403, "forbidden"),
        UNAVAILABLE(503, "unavailable");

        private final int httpStatus;
        private final String code;

        Kind(int httpStatus, String code) {
            this.httpStatus = httpStatus;
            this.code = code;
        }

        public int httpStatus() {
            return httpStatus;
        }

        /** The API's {@code error} field. */
        public String code() {
            return code;
        }
    }

    /**
     * One thing wrong with a request.
     *
     * @param where   the file, layer or part of the request it was found in (may be empty)
     * @param field   JSON pointer or field name of the offending value, {@code /} for the whole request
     * @param message what is wrong
     */
    public record Problem(String where, String field, String message) {
        public Problem {
            where = where == null ? "" : where;
            field = field == null ? "/" : field;
        }

        @Override
        public String toString() {
            return (where.isEmpty() ? "" : where + " ") + field + ": " + message;
        }
    }

    private final Kind kind;
    private final transient List<Problem> problems;

    private Refusal(Kind kind, String message, List<Problem> problems) {
        super(message, null, false, false);
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    /** A refusal with a message only (the API answers no {@code problems}). */
    public static Refusal of(Kind kind, String message) {
        return new Refusal(kind, message, List.of());
    }

    /** A refusal listing every problem; its message joins them. */
    public static Refusal of(Kind kind, List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a refusal with problems needs at least one");
        }
        StringBuilder s = new StringBuilder();
        for (Problem p : problems) {
            s.append(s.length() == 0 ? "" : "; ").append(p);
        }
        return new Refusal(kind, s.toString(), problems);
    }

    public static Refusal invalid(String message) {
        return of(Kind.INVALID, message);
    }

    /** An invalid field, named by its JSON pointer (or name). */
    public static Refusal invalid(String field, String message) {
        return of(Kind.INVALID, List.of(new Problem("request", field, message)));
    }

    public static Refusal notFound(String message) {
        return of(Kind.NOT_FOUND, message);
    }

    public static Refusal conflict(String message) {
        return of(Kind.CONFLICT, message);
    }

    public Kind kind() {
        return kind;
    }

    /** Every problem, each naming its field; empty when the message says it all. */
    public List<Problem> problems() {
        return problems;
    }
}
