package org.syncready.controller.console.tasks;

import java.util.List;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.refusal.Refusal;

/**
 * Why a form was refused, as a page shows it in place: the HTTP status the answer carries (so the audit
 * entry and any client see the refusal), the sentence, and each problem with its field.
 */
public record Failure(int status, String message, List<String> problems) {

    /** A refusal of the domain or the API's checks; null for anything else (a bug: the page's failure handler logs it). */
    static Failure of(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof Refusal r) {
            List<String> problems = r.problems().stream().map(Refusal.Problem::toString).toList();
            return new Failure(r.kind().httpStatus(), r.getMessage(), problems);
        }
        if (t instanceof ApiException a) {
            return new Failure(a.status(), a.getMessage(), List.of());
        }
        return null;
    }

    static Failure of(int status, String message) {
        return new Failure(status, message, List.of());
    }

    /** The same refusal as an {@link ApiException}, for the audit entry's result. */
    ApiException asApiException() {
        return new ApiException(status, status == 409 ? "conflict" : status == 404 ? "not_found" : status == 403 ? "forbidden"
                : status == 422 ? "unprocessable" : "invalid", message + (problems.isEmpty() ? "" : " " + problems));
    }
}
