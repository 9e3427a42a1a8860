package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/**
 * The usual {@link SchoolsOf}: a school, classroom, box or session named in the path, the query or
 * the body, found through the registry (box → classroom → school). Public for the web console's pages,
 * which are scoped the same way.
 */
public final class Scopes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Scopes() {
    }

    /** Where a request names an id. */
    public static Function<RoutingContext, String> path(String name) {
        return ctx -> ctx.pathParam(name);
    }

    public static Function<RoutingContext, String> query(String name) {
        return ctx -> ApiContext.param(ctx, name);
    }

    /** A text field of the JSON body; null when the body has no such text field (the route's own checks refuse that). */
    public static Function<RoutingContext, String> body(String field) {
        return ctx -> {
            JsonNode v = bodyJson(ctx).path(field);
            return v.isTextual() ? v.asText() : null;
        };
    }

    public static SchoolsOf school(FleetRegistry registry, Function<RoutingContext, String> id) {
        return ctx -> {
            String s = id.apply(ctx);
            if (s == null) {
                return SchoolsOf.Owned.NOTHING;
            }
            String what = "school '" + s + "'";
            return registry.school(s).isPresent() ? SchoolsOf.Owned.of(what, Set.of(s)) : SchoolsOf.Owned.missing(what);
        };
    }

    public static SchoolsOf classroom(FleetRegistry registry, Function<RoutingContext, String> id) {
        return ctx -> {
            String c = id.apply(ctx);
            if (c == null) {
                return SchoolsOf.Owned.NOTHING;
            }
            String what = "classroom '" + c + "'";
            return registry.schoolOfClassroom(c).map(s -> SchoolsOf.Owned.of(what, Set.of(s))).orElse(SchoolsOf.Owned.missing(what));
        };
    }

    public static SchoolsOf box(FleetRegistry registry, Function<RoutingContext, String> id) {
        return ctx -> {
            String b = id.apply(ctx);
            if (b == null) {
                return SchoolsOf.Owned.NOTHING;
            }
            String what = "box '" + b + "'";
            return registry.schoolOf(b).map(s -> SchoolsOf.Owned.of(what, Set.of(s))).orElse(SchoolsOf.Owned.missing(what));
        };
    }

    /** Every school with a classroom in the session (lead or remote). */
    public static SchoolsOf session(FleetRegistry registry, SessionStore sessions, Function<RoutingContext, String> id) {
        return ctx -> {
            String s = id.apply(ctx);
            if (s == null) {
                return SchoolsOf.Owned.NOTHING;
            }
            String what = "session '" + s + "'";
            return sessions.get(s).map(session -> SchoolsOf.Owned.of(what, schools(registry, session)))
                    .orElse(SchoolsOf.Owned.missing(what));
        };
    }

    /** The school of the session's lead classroom: the one that owns it. */
    public static SchoolsOf sessionLead(FleetRegistry registry, SessionStore sessions, Function<RoutingContext, String> id) {
        return ctx -> {
            String s = id.apply(ctx);
            if (s == null) {
                return SchoolsOf.Owned.NOTHING;
            }
            String what = "session '" + s + "'";
            return sessions.get(s).flatMap(session -> registry.schoolOfClassroom(session.leadClassroomId()))
                    .map(school -> SchoolsOf.Owned.of(what, Set.of(school))).orElse(SchoolsOf.Owned.missing(what));
        };
    }

    public static Set<String> schools(FleetRegistry registry, SyncSession session) {
        Set<String> out = new LinkedHashSet<>();
        for (String c : session.classroomIds()) {
            registry.schoolOfClassroom(c).ifPresent(out::add);
        }
        return out;
    }

    private static JsonNode bodyJson(RoutingContext ctx) {
        byte[] body = RequestBody.bytes(ctx);
        if (body.length == 0) {
            return JSON.missingNode();
        }
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? JSON.missingNode() : n;
        } catch (Exception e) {
            return JSON.missingNode();
        }
    }

    /** A field of an HTML form body (a console page's form); null when absent or blank. */
    public static Function<RoutingContext, String> formField(String name) {
        return ctx -> {
            String v = ApiContext.form(ctx).get(name);
            return v == null || v.isBlank() ? null : v.strip();
        };
    }
}
