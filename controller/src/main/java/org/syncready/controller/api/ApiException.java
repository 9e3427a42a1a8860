package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.syncready.controller.refusal.Refusal;

/**
 * An error the API reports as JSON {@code {error, message}} (plus details a subclass adds) with an HTTP status;
 * console pages render the same as an error page.
 */
public class ApiException extends RuntimeException {
    final int status;
    final String code;
    /** Optional structured detail (e.g. every invalid field), sent as {@code problems}. */
    final transient JsonNode problems;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    ApiException(int status, String code, String message, JsonNode problems) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.problems = problems;
    }

    /** The answer for a domain refusal: its kind's status and code, and every problem with its field. */
    public static ApiException of(Refusal refusal, ObjectMapper json) {
        ArrayNode problems = null;
        if (!refusal.problems().isEmpty()) {
            problems = json.createArrayNode();
            for (Refusal.Problem p : refusal.problems()) {
                problems.addObject().put("where", p.where()).put("field", p.field()).put("message", p.message());
            }
        }
        return new ApiException(refusal.kind().httpStatus(), refusal.kind().code(), refusal.getMessage(), problems);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    /** The answer's body. */
    ObjectNode body(ObjectMapper json) {
        ObjectNode body = json.createObjectNode().put("error", code).put("message", getMessage());
        if (problems != null) {
            body.set("problems", problems);
        }
        return body;
    }
}
