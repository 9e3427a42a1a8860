package org.syncready.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import org.syncready.controller.refusal.Refusal;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.health.Health;
import org.syncready.controller.health.UncaughtFailures;
import org.syncready.controller.metrics.ControllerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the REST API: one router, the route groups mounted on it, {@code /health}, {@code /metrics},
 * and one error shape for everything. The groups own their endpoints; this verticle owns the servers:
 * plain HTTP (loopback, the demo) and HTTPS, both serving the same router. Every route is mounted
 * through {@link ApiRoutes} with its {@link Policy}; {@link #routeTable()} lists them.
 */
public final class HttpApiVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(HttpApiVerticle.class);
    private static final int BODY_LIMIT = 64 * 1024;

    /** Where a server listens; port 0: a free one. */
    public record Endpoint(String host, int port) {
    }

    /** HTTPS: where, and the certificate chain and key it presents (PEM). */
    public record TlsEndpoint(String host, int port, String chainPem, String keyPem) {
        @Override
        public String toString() {
            return "TlsEndpoint[" + host + ":" + port + "]";
        }
    }

    private final Endpoint plain;
    private final TlsEndpoint tls;
    private final ControllerMetrics metrics;
    private final ObjectMapper json;
    private final List<RouteGroup> groups;
    private final Health health;
    private final Accounts accounts;
    private final AuditLog audit;
    private HttpServer server;
    private HttpServer tlsServer;
    private Router router;

    /** {@code tls} may be null: plain HTTP only. */
    public HttpApiVerticle(Endpoint plain, TlsEndpoint tls, ControllerMetrics metrics, Health health, ObjectMapper json,
                           Accounts accounts, AuditLog audit, List<RouteGroup> groups) {
        this.plain = plain;
        this.tls = tls;
        this.metrics = metrics;
        this.health = health;
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
        router.route().handler(new RequestBody(BODY_LIMIT, false))
                .putMetadata(ApiRoutes.INFRASTRUCTURE, "reads request bodies up to 64 KiB; each route's policy runs after it");
        routes.get("/health", Policy.open("load balancers and monitoring: status, counts, no box data"), ctx -> health(ctx, api));
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
            if (failure instanceof ApiException e) {
                api.fail(ctx, e);
            } else if (failure instanceof Refusal r) {
                api.fail(ctx, ApiException.of(r, api.json()));
            } else if (ctx.statusCode() == 413) {
                api.fail(ctx, new ApiException(413, "too_large", "the request body is larger than "
                        + RequestBody.describe(BODY_LIMIT) + ", the most this endpoint accepts"));
            } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
                // Vert.x Web's own refusals (a malformed request, say) keep their status and get our shape.
                api.fail(ctx, new ApiException(ctx.statusCode(), "bad_request", "the request could not be read ("
                        + ctx.statusCode() + ")" + (failure == null || failure.getMessage() == null ? "" : ": " + failure.getMessage())));
            } else {
                log.error("API request failed: {} {}", ctx.request().method(), ctx.request().path(), failure);
                api.fail(ctx, new ApiException(500, "internal", "internal error; see the controller log"));
            }
        });
        Future<HttpServer> plainStarted = vertx.createHttpServer().requestHandler(router).listen(plain.port(), plain.host())
                .onSuccess(s -> {
                    server = s;
                    log.info("HTTP API listening on http://{}:{}", plain.host(), s.actualPort());
                });
        if (tls == null) {
            return plainStarted;
        }
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(tls.chainPem())).setKeyValue(Buffer.buffer(tls.keyPem())));
        Future<HttpServer> tlsStarted = vertx.createHttpServer(options).requestHandler(router).listen(tls.port(), tls.host())
                .onSuccess(s -> {
                    tlsServer = s;
                    log.info("HTTP API listening on https://{}:{}", tls.host(), s.actualPort());
                });
        return Future.all(plainStarted, tlsStarted);
    }

    /**
     * Every route of the JSON API with a path, as "METHOD /path/{param}" (Vert.x's ":param" written as
     * OpenAPI writes it); a route for every method is listed once per method it could take ("ANY /path").
     * The web console's pages and streams (a {@link Policy#page()} policy) are HTML and SSE, not the JSON
     * API: they are left out, as they are of the OpenAPI document.
     */
    public List<String> routes() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (io.vertx.ext.web.Route r : router.getRoutes()) {
            String path = r.getPath();
            if (path == null || (r.getMetadata(ApiRoutes.POLICY) instanceof Policy p && p.consolePage())) {
                continue;
            }
            String openApiPath = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            if (r.methods() == null || r.methods().isEmpty()) {
                out.add("ANY " + openApiPath);
            } else {
                r.methods().forEach(m -> out.add(m.name() + " " + openApiPath));
            }
        }
        return List.copyOf(out);
    }

    /**
     * 200 with {@code "status":"ok"}, or 503 with {@code "status":"degraded"} and every problem: the
     * latest verdict of {@link Health}, which judges on its own thread, so this never blocks.
     */
    private void health(RoutingContext ctx, ApiContext api) {
        Health.Report report = health.report();
        ObjectNode body = json.createObjectNode().put("status", report.ok() ? "ok" : "degraded");
        ArrayNode problems = body.putArray("problems");
        report.problems().forEach(p -> problems.addObject().put("code", p.code()).put("message", p.message()));
        body.put("mqtt", report.problems().stream().anyMatch(p -> p.code().equals("mqtt_disconnected")) ? "disconnected" : "connected");
        health.facts().forEach(body::put);
        ArrayNode failures = body.putArray("failures");
        for (UncaughtFailures.Failure f : health.failures()) {
            failures.addObject().put("at", f.at().toString()).put("where", f.where()).put("type", f.type()).put("message", f.message());
        }
        api.send(ctx, report.ok() ? 200 : 503, body);
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

    /** The plain port actually bound (differs from the configured one when that was 0). */
    public int actualPort() {
        return server.actualPort();
    }

    /** The HTTPS port actually bound; -1 without HTTPS. */
    public int actualTlsPort() {
        return tlsServer == null ? -1 : tlsServer.actualPort();
    }
}
