package org.syncready.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error the API reports as JSON {@code {error, message}} (plus details a subclass adds) with an HTTP status. */
class ApiException extends RuntimeException {
    final int status;
    final String code;

    ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    /** The answer's body. */
    ObjectNode body(ObjectMapper json) {
        return json.createObjectNode().put("error", code).put("message", getMessage());
    }
}
