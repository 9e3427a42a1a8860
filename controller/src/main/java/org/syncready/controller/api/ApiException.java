package org.syncready.controller.api;

/** An error the API reports as JSON {@code {error, message}} with an HTTP status. */
final class ApiException extends RuntimeException {
    final int status;
    final String code;
    /** Optional structured detail (e.g. every invalid field), sent as {@code problems}. */
    final transient com.fasterxml.jackson.databind.JsonNode problems;

    ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    ApiException(int status, String code, String message, com.fasterxml.jackson.databind.JsonNode problems) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.problems = problems;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }
}
