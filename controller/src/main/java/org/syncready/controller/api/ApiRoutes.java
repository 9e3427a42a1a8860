package org.syncready.controller.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The only way a route group mounts a route: each one with its {@link Policy}, whose check runs
 * before the route's own handlers. The policy is also kept in the route's metadata, so the router's
 * route table says who may call what (and a test fails the build for a route without one).
 */
public final class ApiRoutes {
    /** Route metadata key holding the {@link Policy}. */
    public static final String POLICY = "syncready.policy";
    /** Route metadata key of the router's own routes (body handler, not-found, failure handler): why they need no policy. */
    public static final String INFRASTRUCTURE = "syncready.infrastructure";

    private final Router router;
    private final AccessGuard guard;

    ApiRoutes(Router router, AccessGuard guard) {
        this.router = router;
        this.guard = guard;
    }

    /**
     * Mounts {@code handlers} on {@code method path} behind {@code policy}. A route that changes state
     * (any method but GET and HEAD) must say how it is audited.
     */
    @SafeVarargs
    public final Route route(HttpMethod method, String path, Policy policy, Handler<RoutingContext>... handlers) {
        if (policy == null) {
            throw new IllegalArgumentException(method + " " + path + ": every route needs a policy");
        }
        if (method != HttpMethod.GET && method != HttpMethod.HEAD && policy.audit() == null) {
            throw new IllegalArgumentException(method + " " + path + " changes state: its policy must say how it is audited"
                    + " (audited, auditedElsewhere or notAudited)");
        }
        if (handlers.length == 0) {
            throw new IllegalArgumentException(method + " " + path + ": no handler");
        }
        Route route = router.route(method, path).putMetadata(POLICY, policy);
        route.handler(guard.handler(policy));
        for (Handler<RoutingContext> h : handlers) {
            route.handler(h);
        }
        return route;
    }

    /**
     * A handler reading a file upload (the body itself, or one file part of a multipart form) in memory, up to
     * {@code limit} bytes, for a route mounted before the API's 64 KiB body handler
     * ({@link RouteGroup#mountStreaming}); the route reads it with {@link ApiContext#bytes}.
     */
    public static Handler<RoutingContext> fileUpload(long limit) {
        return new RequestBody(limit, true);
    }

    @SafeVarargs
    public final Route get(String path, Policy policy, Handler<RoutingContext>... handlers) {
        return route(HttpMethod.GET, path, policy, handlers);
    }

    @SafeVarargs
    public final Route post(String path, Policy policy, Handler<RoutingContext>... handlers) {
        return route(HttpMethod.POST, path, policy, handlers);
    }

    @SafeVarargs
    public final Route put(String path, Policy policy, Handler<RoutingContext>... handlers) {
        return route(HttpMethod.PUT, path, policy, handlers);
    }

    @SafeVarargs
    public final Route patch(String path, Policy policy, Handler<RoutingContext>... handlers) {
        return route(HttpMethod.PATCH, path, policy, handlers);
    }

    @SafeVarargs
    public final Route delete(String path, Policy policy, Handler<RoutingContext>... handlers) {
        return route(HttpMethod.DELETE, path, policy, handlers);
    }
}
