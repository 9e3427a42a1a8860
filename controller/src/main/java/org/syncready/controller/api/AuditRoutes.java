package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.limit;
import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.AuditEntry;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.audit.AuditQuery;

/**
 * {@code GET /api/v1/audit}: who did what, from where, when, to what, and how it ended; newest
 * first, filtered by time, actor, action prefix, target text and source. Admin and bureau only: the
 * log spans every school.
 */
public final class AuditRoutes implements RouteGroup {
    private final AuditLog audit;
    private ApiContext api;

    public AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        routes.get("/api/v1/audit", Policy.roles(Role.ADMIN, Role.BUREAU), this::list);
    }

    private void list(RoutingContext ctx) {
        AuditQuery q = new AuditQuery(limit(ctx), instant(ctx, "since"), instant(ctx, "until"), param(ctx, "actor"),
                param(ctx, "action"), param(ctx, "target"), param(ctx, "source"));
        api.blocking(ctx, () -> audit.list(q), entries -> {
            ArrayNode out = api.json().createArrayNode();
            for (AuditEntry e : entries) {
                out.addObject().put("id", e.id()).put("at", Instant.ofEpochMilli(e.at()).toString()).put("actor", e.actor())
                        .put("action", e.action()).put("target", e.target()).put("detail", e.detail()).put("result", e.result())
                        .put("source", e.source());
            }
            return out;
        });
    }

    private static Long instant(RoutingContext ctx, String name) {
        String value = param(ctx, name);
        try {
            return value == null ? null : Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be an ISO-8601 instant, e.g. 2026-03-02T00:00:00Z");
        }
    }
}
