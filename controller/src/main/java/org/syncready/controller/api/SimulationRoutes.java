package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.FaultChange;

/**
 * {@code POST /api/v1/boxes/{id}/simulate}: switches faults of a simulated box (docs/SIMULATION.md)
 * through the {@code simulate} command and answers with the faults the box now has. For the demo,
 * tests, training and benchmarks only: a controller serves it when it runs the demo or was started
 * with {@code --allow-simulation}, and refuses it otherwise (403), so a production controller never
 * sends fault switches to its boxes; a box with real probes refuses the command itself (422).
 *
 * <p>The body is checked here first, naming every problem (400), so a typo never reaches a box.
 */
public final class SimulationRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger(SimulationRoutes.class);
    /** A simulated box answers within a probe round; a box that hangs answers before it hangs. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final boolean allowed;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final BoxCommands commands;
    private final AuditLog audit;
    private ApiContext api;

    /** @param allowed whether this controller may simulate (demo or --allow-simulation) */
    public SimulationRoutes(boolean allowed, FleetRegistry registry, LiveFleet fleet, BoxCommands commands, AuditLog audit) {
        this.allowed = allowed;
        this.registry = registry;
        this.fleet = fleet;
        this.commands = commands;
        this.audit = audit;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        // A command to a box: admins, and the technicians of the box's school.
        routes.post("/api/v1/boxes/:id/simulate", Policy.roles(Role.ADMIN, Role.TECHNICIAN)
                .inEverySchoolOf(Scopes.box(registry, Scopes.path("id")))
                .auditedElsewhere("box.simulate, by the handler once the box answered or not"), this::simulate);
    }

    /**
     * The HTTP body may group the figures the way a status does ({@code {"network":{"uplinkKbps":200}}},
     * {@code {"stream":{"pushing":false}}}, {@code {"system":{"diskFreeMb":40}}}, {@code {"clock":{"offsetMs":90000}}});
     * the command to the box takes them flat (PROTOCOL.md 6.3), so grouped fields are lifted here. A group
     * field that is not an object, or an unknown name inside a group, is left for the check to name.
     */
    static JsonNode flatten(JsonNode body) {
        if (!(body instanceof com.fasterxml.jackson.databind.node.ObjectNode in)) {
            return body;
        }
        com.fasterxml.jackson.databind.node.ObjectNode out = in.deepCopy();
        if (in.get("network") instanceof com.fasterxml.jackson.databind.node.ObjectNode net) {
            out.remove("network");
            net.fields().forEachRemaining(e -> out.set(switch (e.getKey()) {
                case "down" -> "networkDown";
                default -> e.getKey();
            }, e.getValue()));
        }
        if (in.get("system") instanceof com.fasterxml.jackson.databind.node.ObjectNode sys) {
            out.remove("system");
            sys.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue()));
        }
        if (in.get("clock") instanceof com.fasterxml.jackson.databind.node.ObjectNode clock) {
            out.remove("clock");
            clock.fields().forEachRemaining(e -> out.set("offsetMs".equals(e.getKey()) ? "clockOffsetMs" : e.getKey(), e.getValue()));
        }
        if (in.get("stream") instanceof com.fasterxml.jackson.databind.node.ObjectNode stream) {
            JsonNode pushing = stream.get("pushing");
            JsonNode reachable = stream.get("reachable");
            if (reachable != null && reachable.isBoolean() && !reachable.booleanValue()) {
                out.put("stream", "unreachable");
            } else if (pushing != null && pushing.isBoolean()) {
                out.put("stream", pushing.booleanValue() ? "ok" : "stopped");
            }
        }
        return out;
    }

    private void simulate(RoutingContext ctx) {
        if (!allowed) {
            throw new ApiException(403, "forbidden", "Fault simulation is off on this controller: it is for the demo, tests "
                    + "and training. Start the controller with --demo or --allow-simulation to use it. / 此控制器未开启故障模拟"
                    + "（仅用于演示、测试和培训）。请以 --demo 或 --allow-simulation 启动控制器。");
        }
        String boxId = ctx.pathParam("id");
        if (registry.box(boxId).isEmpty()) {
            throw ApiException.notFound("no box '" + boxId + "'");
        }
        JsonNode body = flatten(api.body(ctx));
        try {
            FaultChange.parse(body);
        } catch (FaultChange.InvalidFaults e) {
            ArrayNode problems = api.json().createArrayNode();
            e.problems().forEach(p -> problems.addObject().put("where", "body").put("field", p.field()).put("message", p.message()));
            throw new ApiException(400, "bad_request", "The faults cannot be applied: " + e.getMessage()
                    + " / 故障设置有误，未发送给主机。", problems);
        }
        Presence presence = fleet.snapshot(boxId).map(BoxSnapshot::presence).orElse(Presence.NEVER_SEEN);
        if (presence != Presence.ONLINE) {
            throw new ApiException(409, "conflict", "Box " + boxId + " is " + presence.label()
                    + ": it can take faults only while connected. / 录播主机 " + boxId + " 未在线，无法设置故障。");
        }
        Actor actor = ApiContext.actor(ctx);
        commands.send(boxId, CommandTypes.SIMULATE, body, ANSWER_TIMEOUT).whenComplete((answer, error) -> {
            String result = error != null ? "no answer" : answer.ok() ? "ok" : "refused: " + answer.error();
            ctx.vertx().executeBlocking(() -> {
                audit.record(actor, "box.simulate", boxId, body.toString(), result);
                return null;
            }, false);
            ctx.vertx().runOnContext(v -> answer(ctx, boxId, actor, answer, error));
        });
    }

    private void answer(RoutingContext ctx, String boxId, Actor actor, CommandResponse answer, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            log.info("simulate box={} by={}: no answer: {}", boxId, actor, cause.getMessage());
            api.fail(ctx, new ApiException(503, "unavailable", "Box " + boxId + " did not answer within "
                    + ANSWER_TIMEOUT.toSeconds() + " s; its faults are unknown. / 录播主机 " + boxId + " 未在 "
                    + ANSWER_TIMEOUT.toSeconds() + " 秒内响应，故障状态未知。"));
            return;
        }
        if (!answer.ok()) {
            log.info("simulate box={} by={}: refused by the box: {}", boxId, actor, answer.error());
            api.fail(ctx, new ApiException(422, "unprocessable", "Box " + boxId + " refused: " + answer.error()
                    + " / 录播主机拒绝了故障设置（见英文说明）。"));
            return;
        }
        ObjectNode out = api.json().createObjectNode().put("boxId", boxId);
        JsonNode result = answer.result() == null ? api.json().createObjectNode() : answer.result();
        out.set("faults", result.path("faults").isObject() ? result.get("faults") : api.json().createObjectNode());
        out.set("active", result.path("active").isArray() ? result.get("active") : api.json().createArrayNode());
        if (result.has("hangS")) {
            out.set("hangS", result.get("hangS"));
        }
        log.info("simulate box={} by={}: faults now {}", boxId, actor, out.get("active"));
        api.send(ctx, 200, out);
    }
}
