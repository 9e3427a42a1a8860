package org.syncready.controller.api;

/**
 * One capability's endpoints (fleet, sessions, readiness, rollouts, accounts, ...). Each group is
 * built with the components it serves and mounts its routes through {@link ApiRoutes}, each route
 * with its {@link Policy}; errors it throws as {@link ApiException} become {@code {error, message}}
 * answers.
 */
public interface RouteGroup {
    void mount(ApiRoutes routes, ApiContext api);

    /**
     * Routes mounted before the API's 64 KiB JSON body handler: uploads that read their body as a
     * stream (the speed test) or buffer it under a larger limit of their own (timetable import).
     * Most groups have none.
     */
    default void mountStreaming(ApiRoutes routes, ApiContext api) {
    }
}
