package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.limit;
import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.syncready.controller.rollout.RolloutPlan;
import org.syncready.controller.rollout.RolloutRequest;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.firmware.Profile;

/**
 * Configuration profiles, each box's desired and reported configuration, and rollouts:
 * {@code /api/v1/profiles}, {@code /api/v1/boxes/:id/config}, {@code /api/v1/rollouts}.
 */
public final class RolloutRoutes implements RouteGroup {
    private final Rollouts rollouts;
    private ApiContext api;

    public RolloutRoutes(Rollouts rollouts) {
        this.rollouts = rollouts;
    }

    @Override
    public void mount(Router router, ApiContext api) {
        this.api = api;
        router.get("/api/v1/profiles").handler(this::listProfiles);
        router.get("/api/v1/profiles/:model/:name").handler(this::getProfile);
        router.get("/api/v1/boxes/:id/config").handler(this::boxConfig);
        router.get("/api/v1/boxes/:id/config/preview").handler(this::preview);
        router.post("/api/v1/rollouts").handler(this::start);
        router.get("/api/v1/rollouts").handler(this::list);
        router.get("/api/v1/rollouts/:id").handler(this::get);
        for (String action : new String[] {"pause", "resume", "abort", "rollback"}) {
            router.post("/api/v1/rollouts/:id/" + action).handler(ctx -> act(ctx, action));
        }
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
        out.set("body", p.body());
        api.send(ctx, 200, out);
    }

    private void boxConfig(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        api.blocking(ctx, () -> rollouts.boxConfig(id).orElseThrow(() -> ApiException.notFound("no box '" + id + "'")), node -> node);
    }

    /** What the box would get with {@code profile} and its stored overrides, and what that changes. */
    private void preview(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String profile = param(ctx, "profile");
        if (profile == null) {
            throw ApiException.badRequest("query parameter 'profile' is required, e.g. ?profile=generic-recorder-a/standard-1080p");
        }
        api.blocking(ctx, () -> rollouts.preview(id, profile), b -> api.json().valueToTree(b));
    }

    private void start(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        String actor = api.actor(ctx);
        boolean dryRun = "true".equals(param(ctx, "dryRun")) || body.path("dryRun").asBoolean(false);
        api.blocking(ctx, () -> {
            RolloutRequest request = RolloutRequest.parse(body);
            if (dryRun) {
                return plan(rollouts.dryRun(request));
            }
            return api.json().<JsonNode>valueToTree(rollouts.start(request, body, actor));
        }, node -> node, dryRun ? 200 : 201);
    }

    private void list(RoutingContext ctx) {
        int limit = limit(ctx);
        api.blocking(ctx, () -> rollouts.list(limit), views -> {
            ArrayNode out = api.json().createArrayNode();
            views.forEach(v -> {
                ObjectNode n = api.json().valueToTree(v);
                n.remove("boxes");
                out.add(n);
            });
            return out;
        });
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        api.blocking(ctx, () -> rollouts.get(id).orElseThrow(() -> ApiException.notFound("no rollout '" + id + "'")),
                v -> api.json().valueToTree(v));
    }

    private void act(RoutingContext ctx, String action) {
        String id = ctx.pathParam("id");
        String actor = api.actor(ctx);
        api.blocking(ctx, () -> rollouts.act(id, action, actor), v -> api.json().valueToTree(v));
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
