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
     * Routes mounted before the API's 64 KiB JSON body handler: uploads that read their body as a
     * stream (the speed test) or buffer it under a larger limit of their own (timetable import).
     * Most groups have none.
     */
    default void mountStreaming(Router router, ApiContext api) {
    }
}
