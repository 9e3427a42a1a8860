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
     * Routes that must see the request before the shared 64 KiB JSON body handler: uploads that
     * need a larger limit of their own, or a body read as a stream.
     */
    default void mountBeforeBody(Router router, ApiContext api) {
    }
}
