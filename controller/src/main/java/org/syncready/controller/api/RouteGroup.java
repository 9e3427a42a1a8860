package org.syncready.controller.api;

import io.vertx.ext.web.Router;

/**
 * One capability's endpoints (fleet, sessions, readiness, rollouts, ...). Each group is built with the
 * components it serves and mounts its routes on the shared router; errors it throws as
 * {@link ApiException} become {@code {error, message}} answers.
 */
public interface RouteGroup {
    void mount(Router router, ApiContext api);

    /**
     * Routes that read their request body as a stream (uploads larger than the API's 64 KiB body
     * limit), mounted before the body handler so it never buffers them. Most groups have none.
     */
    default void mountStreaming(Router router, ApiContext api) {
    }
}
