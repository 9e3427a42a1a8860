package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.limit;
import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditLog;

/** {@code GET /api/v1/audit}: who did what, when, to which boxes, and how it ended; newest first. */
public final class AuditRoutes implements RouteGroup {
    private final AuditLog audit;
    private ApiContext api;

    public AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void mount(Router router, ApiContext api) {
        this.api = api;
        router.get("/api/v1/audit").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        int limit = limit(ctx);
        String since = param(ctx, "since");
        Long sinceMs;
        try {
            sinceMs = since == null ? null : Instant.parse(since).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'since' must be an ISO-8601 instant, e.g. 2026-03-02T00:00:00Z");
        }
        String action = param(ctx, "action");
        api.blocking(ctx, () -> audit.list(limit, sinceMs, action), entries -> {
            ArrayNode out = api.json().createArrayNode();
            for (AuditEntry e : entries) {
                out.addObject().put("id", e.id()).put("at", Instant.ofEpochMilli(e.at()).toString()).put("actor", e.actor())
                        .put("action", e.action()).put("target", e.target()).put("detail", e.detail()).put("result", e.result());
            }
            return out;
        });
    }
}
