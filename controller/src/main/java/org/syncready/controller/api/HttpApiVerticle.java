package org.syncready.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.syncready.controller.refusal.Refusal;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.metrics.ControllerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the REST API: one router, the route groups mounted on it, {@code /metrics}, and one error
 * shape for everything. The groups own their endpoints; this verticle owns the server. Every route
 * is mounted through {@link ApiRoutes} with its {@link Policy}; {@link #routeTable()} lists them.
 */
public final class HttpApiVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(HttpApiVerticle.class);
    private static final int BODY_LIMIT = 64 * 1024;

    private final String host;
    private final int port;
    private final ControllerMetrics metrics;
    private final ObjectMapper json;
    private final Accounts accounts;
    private final AuditLog audit;
    private final List<RouteGroup> groups;
    private HttpServer server;
    private Router router;

    public HttpApiVerticle(String host, int port, ControllerMetrics metrics, ObjectMapper json, Accounts accounts, AuditLog audit,
                           List<RouteGroup> groups) {
        this.host = host;
        this.port = port;
        this.metrics = metrics;
        this.json = json;
        this.accounts = accounts;
        this.audit = audit;
        this.groups = List.copyOf(groups);
    }

    @Override
    public Future<?> start() {
        ApiContext api = new ApiContext(vertx, json);
        router = Router.router(vertx);
        ApiRoutes routes = new ApiRoutes(router, new AccessGuard(api, accounts, audit, metrics));
        for (RouteGroup group : groups) {
            group.mountStreaming(routes, api);
        }
        router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .putMetadata(ApiRoutes.INFRASTRUCTURE, "reads request bodies up to 64 KiB; each route's policy runs after it");
        routes.get("/metrics", Policy.loopbackOr(Role.ADMIN, Role.BUREAU), ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        for (RouteGroup group : groups) {
            group.mount(routes, api);
        }
        router.route().last().handler(ctx -> api.fail(ctx, new ApiException(404, "not_found", "no such endpoint: "
                + ctx.request().method() + " " + ctx.request().path())))
                .putMetadata(ApiRoutes.INFRASTRUCTURE, "answers 404 for a path no route has: serves nothing");
        router.route().putMetadata(ApiRoutes.INFRASTRUCTURE, "turns failures into the error shape: serves nothing").failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (ctx.statusCode() == 413) {
                api.fail(ctx, new ApiException(413, "too_large", "request body exceeds " + BODY_LIMIT / 1024 + " KiB"));
            } else if (failure instanceof ApiException e) {
                api.fail(ctx, e);
            } else if (failure instanceof Refusal r) {
                api.fail(ctx, ApiException.of(r, api.json()));
            } else {
                log.error("API request failed: {} {}", ctx.request().method(), ctx.request().path(), failure);
                api.fail(ctx, new ApiException(500, "internal", "internal error; see the controller log"));
            }
        });
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> {
            server = s;
            log.info("HTTP API listening on http://{}:{}", host, s.actualPort());
        });
    }

    /** Every route of the router, in order, with its policy: what the route-table test walks. */
    public List<RouteEntry> routeTable() {
        return router.getRoutes().stream().map(r -> {
            Set<String> methods = new TreeSet<>();
            if (r.methods() != null) {
                r.methods().forEach(m -> methods.add(m.name()));
            }
            return new RouteEntry(methods, r.getPath(), r.getMetadata(ApiRoutes.POLICY), r.getMetadata(ApiRoutes.INFRASTRUCTURE));
        }).toList();
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
