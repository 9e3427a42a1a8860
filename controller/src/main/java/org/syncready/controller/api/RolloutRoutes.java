package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.limit;
import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.SecretMask;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.refusal.Refusal;
import org.syncready.controller.rollout.RolloutPlan;
import org.syncready.controller.rollout.RolloutRequest;
import org.syncready.controller.rollout.RolloutView;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.firmware.Profile;

/**
 * Configuration profiles, each box's desired and reported configuration, and rollouts:
 * {@code /api/v1/profiles}, {@code /api/v1/boxes/:id/config}, {@code /api/v1/rollouts}. Stream and
 * camera credentials in configurations are masked for everyone but admins and the technicians of the
 * box's school.
 */
public final class RolloutRoutes implements RouteGroup {
    private final Rollouts rollouts;
    private final FleetRegistry registry;
    private ApiContext api;

    public RolloutRoutes(Rollouts rollouts, FleetRegistry registry) {
        this.rollouts = rollouts;
        this.registry = registry;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        SchoolsOf boxInPath = Scopes.box(registry, Scopes.path("id"));
        SchoolsOf rolloutInPath = rolloutIn(Scopes.path("id"));
        routes.get("/api/v1/profiles", Policy.anyRole(), this::listProfiles);
        routes.get("/api/v1/profiles/:model/:name", Policy.anyRole(), this::getProfile);
        routes.get("/api/v1/boxes/:id/config", Policy.anyRole().inAnySchoolOf(boxInPath), this::boxConfig);
        routes.get("/api/v1/boxes/:id/config/preview", Policy.anyRole().inAnySchoolOf(boxInPath), this::preview);
        routes.post("/api/v1/rollouts", Policy.roles(Role.ADMIN, Role.TECHNICIAN).auditedElsewhere(
                "rollout.start (refusals too) and rollout.force, by the rollout engine; a dry run changes nothing"), this::start);
        routes.get("/api/v1/rollouts", Policy.anyRole(), this::list);
        routes.get("/api/v1/rollouts/:id", Policy.anyRole().inAnySchoolOf(rolloutInPath), this::get);
        for (String action : new String[] {"pause", "resume", "abort", "rollback"}) {
            routes.post("/api/v1/rollouts/:id/" + action, Policy.roles(Role.ADMIN, Role.TECHNICIAN).inEverySchoolOf(rolloutInPath)
                    .auditedElsewhere("rollout." + action + ", by the rollout engine"), ctx -> act(ctx, action));
        }
    }

    /** The schools of the rollout {@code id} names (those of its boxes), for a policy's school check. */
    public SchoolsOf rolloutIn(Function<RoutingContext, String> id) {
        return ctx -> {
            String r = id.apply(ctx);
            if (r == null) {
                return SchoolsOf.Owned.NOTHING;
            }
            return rollouts.get(r).map(v -> SchoolsOf.Owned.of("rollout '" + r + "'", schools(v)))
                    .orElse(SchoolsOf.Owned.missing("rollout '" + r + "'"));
        };
    }

    /** The schools of a rollout's boxes. */
    public Set<String> schools(RolloutView v) {
        Set<String> out = new LinkedHashSet<>();
        for (RolloutView.Box b : v.boxes()) {
            registry.schoolOf(b.boxId()).ifPresent(out::add);
        }
        return out;
    }

    /** Admins and technicians (of the box's school: the route's scope checked that) see credentials; others see them masked. */
    private static boolean seesSecrets(Principal caller) {
        return caller.role() == Role.ADMIN || caller.role() == Role.TECHNICIAN;
    }

    private void listProfiles(RoutingContext ctx) {
        ArrayNode out = api.json().createArrayNode();
        for (Profile p : rollouts.catalogue().profiles()) {
            out.addObject().put("ref", p.ref()).put("model", p.model()).put("name", p.name())
                    .put("description", p.body().path("description").asText(null));
        }
        api.send(ctx, 200, out);
    }

    private void getProfile(RoutingContext ctx) {
        String ref = ctx.pathParam("model") + "/" + ctx.pathParam("name");
        Profile p = rollouts.catalogue().profile(ref).orElseThrow(() -> ApiException.notFound("no profile '" + ref + "'"));
        ObjectNode out = api.json().createObjectNode().put("ref", p.ref());
        out.set("body", seesSecrets(ApiContext.principal(ctx)) ? p.body() : SecretMask.mask(p.body()));
        api.send(ctx, 200, out);
    }

    private void boxConfig(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        boolean clear = seesSecrets(ApiContext.principal(ctx));
        api.blocking(ctx, () -> rollouts.boxConfig(id).orElseThrow(() -> ApiException.notFound("no box '" + id + "'")),
                node -> clear ? node : SecretMask.mask(node));
    }

    /** What the box would get with {@code profile} and its stored overrides, and what that changes. */
    private void preview(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String profile = param(ctx, "profile");
        if (profile == null) {
            throw ApiException.badRequest("query parameter 'profile' is required, e.g. ?profile=generic-recorder-a/standard-1080p");
        }
        boolean clear = seesSecrets(ApiContext.principal(ctx));
        api.blocking(ctx, () -> rollouts.preview(id, profile), b -> clear ? api.json().valueToTree(b)
                : SecretMask.mask(api.json().valueToTree(b)));
    }

    private void start(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        Actor actor = ApiContext.actor(ctx);
        Principal caller = ApiContext.principal(ctx);
        boolean dryRun = "true".equals(param(ctx, "dryRun")) || body.path("dryRun").asBoolean(false);
        api.blocking(ctx, () -> dryRun ? plan(dryRun(body, caller)) : api.json().<JsonNode>valueToTree(start(body, caller, actor)),
                node -> node, dryRun ? 200 : 201);
    }

    /**
     * What a rollout request (the JSON body of {@code POST /api/v1/rollouts}) would do: parsed, its target checked
     * against the caller's schools, planned; nothing is stored, published or audited. Blocking: call it on a worker.
     *
     * @throws Refusal {@code INVALID} listing every problem (a target outside the caller's schools among them)
     */
    public RolloutPlan dryRun(JsonNode body, Principal caller) {
        return rollouts.dryRun(checked(body, caller));
    }

    /** Starts a rollout request as {@code POST /api/v1/rollouts} does (audited by the engine). Blocking. */
    public RolloutView start(JsonNode body, Principal caller, Actor actor) {
        return rollouts.start(checked(body, caller), body, actor);
    }

    private RolloutRequest checked(JsonNode body, Principal caller) {
        RolloutRequest request = RolloutRequest.parse(body);
        if (caller.role().scoped()) {
            checkTargetInSchools(request.target(), caller);
        }
        return request;
    }

    private void list(RoutingContext ctx) {
        int limit = limit(ctx);
        Principal caller = ApiContext.principal(ctx);
        api.blocking(ctx, () -> visible(caller, limit), views -> {
            ArrayNode out = api.json().createArrayNode();
            views.forEach(v -> {
                ObjectNode n = api.json().valueToTree(v);
                n.remove("boxes");
                out.add(n);
            });
            return out;
        });
    }

    /**
     * The newest {@code limit} rollouts the caller may see, without their per-box lists: a scoped caller
     * sees those that touched their schools. Blocking.
     */
    public List<RolloutView> visible(Principal caller, int limit) {
        return caller.role().scoped()
                ? rollouts.list(Integer.MAX_VALUE).stream().filter(v -> caller.seesAny(schools(v))).limit(limit)
                        .map(RolloutView::withoutBoxes).toList()
                : rollouts.summaries(limit);
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        api.blocking(ctx, () -> rollouts.get(id).orElseThrow(() -> ApiException.notFound("no rollout '" + id + "'")),
                v -> api.json().valueToTree(v));
    }

    private void act(RoutingContext ctx, String action) {
        String id = ctx.pathParam("id");
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> rollouts.act(id, action, actor), v -> api.json().valueToTree(v));
    }

    /**
     * A technician's rollout names its schools, classrooms or boxes, all in their schools (so it cannot
     * reach a box elsewhere). One outside their schools is refused as the engine refuses an unknown one.
     */
    private void checkTargetInSchools(RolloutRequest.Target t, Principal caller) {
        if (t == null) {
            return;
        }
        if (t.all() || t.boxes().isEmpty() && t.classrooms().isEmpty() && t.schools().isEmpty()) {
            throw new ApiException(403, "forbidden", "a " + caller.role() + "'s rollout must name its schools, classrooms or boxes"
                    + " (target.all and a model alone reach every school) / 请指定学校、教室或主机");
        }
        List<Refusal.Problem> problems = new ArrayList<>();
        check(problems, "/target/schools/", "school", t.schools(), s -> registry.school(s).map(x -> s), caller);
        check(problems, "/target/classrooms/", "classroom", t.classrooms(), registry::schoolOfClassroom, caller);
        check(problems, "/target/boxes/", "box", t.boxes(), registry::schoolOf, caller);
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
    }

    private static void check(List<Refusal.Problem> problems, String pointer, String kind, List<String> ids,
                              Function<String, Optional<String>> schoolOf, Principal caller) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (!caller.sees(schoolOf.apply(id).orElse(null))) {
                problems.add(new Refusal.Problem("request", pointer + i, "no " + kind + " '" + id + "'"));
            }
        }
    }

    private JsonNode plan(RolloutPlan plan) {
        ObjectNode out = api.json().createObjectNode().put("dryRun", true);
        out.set("waveSizes", api.json().valueToTree(plan.waveSizes()));
        out.set("unchanged", api.json().valueToTree(plan.unchanged()));
        out.put("deferred", plan.boxes().stream().filter(b -> b.deferredUntil() != null).count());
        ArrayNode boxes = out.putArray("boxes");
        for (RolloutPlan.Box b : plan.boxes()) {
            ObjectNode n = api.json().valueToTree(b);
            n.remove("body");
            n.put("wave", b.wave() + 1);
            boxes.add(n);
        }
        return out;
    }
}
