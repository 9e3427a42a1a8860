package org.syncready.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.syncready.controller.account.Principal;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.refusal.Refusal;

/**
 * What every route group shares: JSON in and out, query parameters, the error shape
 * {@code {error, message}}, and running store work off the event loop. Public for the web console's
 * route groups (package {@code console}), which read the caller and name audit targets through it.
 */
public final class ApiContext {
    private final Vertx vertx;
    private final ObjectMapper json;

    ApiContext(Vertx vertx, ObjectMapper json) {
        this.vertx = vertx;
        this.json = json;
    }

    /** Key of the error an answer carried, for the audit entry of the request. */
    static final String ERROR = "syncready.error";

    /** Who is making the request; set by the route's policy check (null on open routes). */
    public static Principal principal(RoutingContext ctx) {
        return ctx.get(AccessGuard.PRINCIPAL);
    }

    /** Who acts and from where, for audit entries: the only place the API decides it. */
    public static Actor actor(RoutingContext ctx) {
        Principal p = principal(ctx);
        if (p == null) {
            throw new IllegalStateException("no principal on " + ctx.request().path() + ": its policy does not log anyone in");
        }
        return new Actor(p.username(), AccessGuard.source(ctx));
    }

    /** Names what a state-changing request acted on in its audit entry (default: the request's path). */
    public static void auditTarget(RoutingContext ctx, String target) {
        ctx.put(AccessGuard.AUDIT_TARGET, target);
    }

    /** Replaces the audit entry's detail (default: the query and the masked JSON body). */
    public static void auditDetail(RoutingContext ctx, String detail) {
        ctx.put(AccessGuard.AUDIT_DETAIL, detail);
    }

    public ObjectMapper json() {
        return json;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * The request body as a JSON object, whatever content type it came with (curl's {@code -d} says
     * form-urlencoded); a clear 400 for an empty, non-JSON (a key twice included) or non-object body.
     */
    JsonNode body(RoutingContext ctx) {
        byte[] bytes = RequestBody.bytes(ctx);
        if (isBlank(bytes)) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    /** The raw request body (a file upload's file), read in memory under the route's limit. */
    public static byte[] bytes(RoutingContext ctx) {
        return RequestBody.bytes(ctx);
    }

    /** The fields of an HTML form body ({@code application/x-www-form-urlencoded}); empty for any other body. */
    public static java.util.Map<String, String> form(RoutingContext ctx) {
        return RequestBody.form(ctx);
    }

    /**
     * Notes why a state-changing request was refused when its handler answers the refusal itself (a console form
     * shown again with the problem): the audit entry's result names it, as it does for the API's refusals.
     */
    public static void refused(RoutingContext ctx, ApiException e) {
        ctx.put(ERROR, e);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.badRequest("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    public static String param(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    static int limit(RoutingContext ctx) {
        String value = param(ctx, "limit");
        if (value == null) {
            return 1000;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1 || limit > 10_000) {
                throw ApiException.badRequest("'limit' must be 1..10000");
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'limit' must be a number");
        }
    }

    JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    <T> void blocking(RoutingContext ctx, Callable<T> work, Function<T, JsonNode> render) {
        blocking(ctx, work, render, 200);
    }

    /** Runs store work on a worker (unordered, so requests don't queue behind each other), answers on the loop. */
    <T> void blocking(RoutingContext ctx, Callable<T> work, Function<T, JsonNode> render, int status) {
        vertx.executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                try {
                    send(ctx, status, render.apply(result.result()));
                } catch (RuntimeException e) {
                    ctx.fail(e);
                }
            } else {
                failWith(ctx, result.cause());
            }
        });
    }

    /** Answers a failure from a worker: domain refusals with their status, anything else as a 500 (logged). */
    void failWith(RoutingContext ctx, Throwable cause) {
        if (cause instanceof Refusal r) {
            fail(ctx, ApiException.of(r, json));
        } else if (cause instanceof ApiException e) {
            fail(ctx, e);
        } else {
            ctx.fail(cause);
        }
    }

    void send(RoutingContext ctx, int status, JsonNode body) {
        try {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    void fail(RoutingContext ctx, ApiException e) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.put(ERROR, e);
        send(ctx, e.status, e.body(json));
    }
}
