package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/** Sync sessions: list by time and school, create, read, change, delete. */
public final class SessionRoutes implements RouteGroup {
    private static final Duration MAX_LIST_SPAN = Duration.ofDays(62);

    private final SessionStore sessions;
    private final FleetRegistry registry;
    private final ZonedTimes times;
    private final Clock clock;
    private ApiContext api;

    public SessionRoutes(SessionStore sessions, FleetRegistry registry, java.time.ZoneId zone, Clock clock) {
        this.sessions = sessions;
        this.registry = registry;
        this.times = new ZonedTimes(zone);
        this.clock = clock;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        SchoolsOf leadInBody = Scopes.classroom(registry, Scopes.body("leadClassroomId"));
        SchoolsOf leadOfPath = Scopes.sessionLead(registry, sessions, Scopes.path("id"));
        routes.get("/api/v1/sessions", Policy.anyRole().inAnySchoolOf(Scopes.school(registry, Scopes.query("school")))
                .inAnySchoolOf(Scopes.classroom(registry, Scopes.query("classroom"))), this::list);
        routes.post("/api/v1/sessions", Policy.roles(Role.ADMIN, Role.SCHOOL_IT).inEverySchoolOf(leadInBody)
                .audited("session.create"), this::create);
        routes.get("/api/v1/sessions/:id", Policy.anyRole().inAnySchoolOf(Scopes.session(registry, sessions, Scopes.path("id"))),
                this::get);
        routes.put("/api/v1/sessions/:id", Policy.roles(Role.ADMIN, Role.SCHOOL_IT).inEverySchoolOf(leadOfPath)
                .inEverySchoolOf(leadInBody).audited("session.update"), this::update);
        routes.delete("/api/v1/sessions/:id", Policy.roles(Role.ADMIN, Role.SCHOOL_IT).inEverySchoolOf(leadOfPath)
                .audited("session.delete"), this::delete);
    }

    private void list(RoutingContext ctx) {
        LocalDate today = LocalDate.now(clock.withZone(times.zone()));
        Instant from = param(ctx, "from") == null ? today.atStartOfDay(times.zone()).toInstant() : times.parse(param(ctx, "from"), "from");
        Instant to = param(ctx, "to") == null ? from.plus(Duration.ofDays(1)) : times.parse(param(ctx, "to"), "to");
        if (!to.isAfter(from)) {
            throw ApiException.badRequest("'from' must be before 'to'");
        }
        if (Duration.between(from, to).compareTo(MAX_LIST_SPAN) > 0) {
            throw ApiException.badRequest("the window may span at most " + MAX_LIST_SPAN.toDays() + " days");
        }
        String school = param(ctx, "school");
        if (school != null && registry.school(school).isEmpty()) {
            throw ApiException.notFound("no school '" + school + "'");
        }
        String classroom = param(ctx, "classroom");
        Principal caller = ApiContext.principal(ctx);
        ArrayNode out = api.json().createArrayNode();
        for (SyncSession s : sessions.overlapping(from, to)) {
            if (!caller.seesAny(Scopes.schools(registry, s))) {
                continue;
            }
            if (school != null && s.classroomIds().stream().noneMatch(c -> school.equals(schoolOf(c)))) {
                continue;
            }
            if (classroom != null && !s.classroomIds().contains(classroom)) {
                continue;
            }
            out.add(node(s));
        }
        api.send(ctx, 200, out);
    }

    private void get(RoutingContext ctx) {
        api.send(ctx, 200, node(require(ctx.pathParam("id"))));
    }

    private void create(RoutingContext ctx) {
        SessionDraft draft = draft(api.body(ctx), "api");
        api.blocking(ctx, () -> {
            SyncSession created = sessions.create(draft);
            ApiContext.auditTarget(ctx, "session " + created.id());
            return created;
        }, this::node, 201);
    }

    private void update(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "session " + id);
        SessionDraft draft = draft(api.body(ctx), "api");
        api.blocking(ctx, () -> sessions.update(id, draft), this::node);
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "session " + id);
        sessions.get(id).ifPresent(s -> ApiContext.auditDetail(ctx, "deleted: " + node(s)));
        api.blocking(ctx, () -> {
            sessions.delete(id);
            return id;
        }, deleted -> api.json().createObjectNode().put("deleted", deleted));
    }

    private SyncSession require(String id) {
        return sessions.get(id).orElseThrow(() -> ApiException.notFound("no session '" + id + "'"));
    }

    /** A stored session as the API shows it. */
    ObjectNode node(SyncSession s) {
        ObjectNode n = api.json().createObjectNode().put("id", s.id()).put("leadClassroomId", s.leadClassroomId())
                .put("leadSchoolId", schoolOf(s.leadClassroomId()));
        return fields(n, s.remoteClassroomIds(), s.subject(), s.teacher(), s.kind(), s.start(), s.end(), s.source());
    }

    /** A session not stored (yet), e.g. what an import would create: no id, no school. */
    ObjectNode node(SessionDraft d) {
        ObjectNode n = api.json().createObjectNode().put("leadClassroomId", d.leadClassroomId());
        return fields(n, d.remoteClassroomIds(), d.subject(), d.teacher(), d.kind(), d.start(), d.end(), d.source());
    }

    private ObjectNode fields(ObjectNode n, List<String> remoteClassroomIds, String subject, String teacher, SessionKind kind,
                              Instant start, Instant end, String source) {
        ArrayNode remotes = n.putArray("remoteClassroomIds");
        remoteClassroomIds.forEach(remotes::add);
        return n.put("subject", subject).put("teacher", teacher).put("kind", kind == null ? null : kind.label())
                .put("start", times.format(start)).put("end", times.format(end)).put("source", source);
    }

    private String schoolOf(String classroomId) {
        return registry.schoolOfClassroom(classroomId).orElse(null);
    }

    /**
     * A session from a JSON body ({@code POST}/{@code PUT /api/v1/sessions}); every problem names its field
     * (a 400 {@link ApiException}). The web console's session form is read through it too.
     */
    public SessionDraft draft(JsonNode body, String source) {
        String lead = ApiContext.text(body, "leadClassroomId");
        JsonNode remotesNode = body.get("remoteClassroomIds");
        if (remotesNode == null || !remotesNode.isArray()) {
            throw ApiException.badRequest("field 'remoteClassroomIds' must be an array of classroom ids");
        }
        List<String> remotes = new ArrayList<>();
        for (JsonNode r : remotesNode) {
            if (!r.isTextual()) {
                throw ApiException.badRequest("field 'remoteClassroomIds' must contain only strings");
            }
            remotes.add(r.asText());
        }
        String subject = ApiContext.text(body, "subject");
        JsonNode teacherNode = body.get("teacher");
        if (teacherNode != null && !teacherNode.isNull() && !teacherNode.isTextual()) {
            throw ApiException.badRequest("field 'teacher' must be a string");
        }
        String kindText = body.hasNonNull("kind") ? ApiContext.text(body, "kind") : "live";
        SessionKind kind = SessionKind.parse(kindText).orElseThrow(() ->
                ApiException.badRequest("field 'kind' must be live, recorded or embedded (直播, 录播, 植入式); was '" + kindText + "'"));
        Instant start = times.parse(ApiContext.text(body, "start"), "start");
        Instant end = times.parse(ApiContext.text(body, "end"), "end");
        return new SessionDraft(lead, remotes, subject, teacherNode == null || teacherNode.isNull() ? null : teacherNode.asText(),
                kind, start, end, source);
    }
}
