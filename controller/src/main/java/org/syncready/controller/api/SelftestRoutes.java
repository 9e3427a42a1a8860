package org.syncready.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.CommandTypes;

/**
 * {@code POST /api/v1/boxes/{id}/selftest}: a technician on site self-tests one box, without finding
 * a session it belongs to, and gets every check the box made (each camera, microphone, the network,
 * the stream, the system) with its values and errors, as the box reported them (PROTOCOL.md §6.2).
 *
 * <p>Nothing waits on the event loop: the command's answer arrives on the MQTT thread and is handed
 * back to the request's context; the audit entry is written on a worker.
 */
public final class SelftestRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger(SelftestRoutes.class);
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final BoxCommands commands;
    private final AuditLog audit;
    private final Duration timeout;
    private ApiContext api;

    /**
     * @param timeout how long to wait for the box's report: 60 s in production, longer than a session
     *                check's 20 s ({@code checks.selftestTimeoutS}), since a technician waits for one box and
     *                a box with four IP cameras decodes them two at a time (each up to ~13 s with the default
     *                5 s window) besides its network checks (at most 15 s). The CLI waits longer than this.
     */
    public SelftestRoutes(FleetRegistry registry, LiveFleet fleet, BoxCommands commands, AuditLog audit, Duration timeout) {
        this.registry = registry;
        this.fleet = fleet;
        this.commands = commands;
        this.audit = audit;
        this.timeout = timeout;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        // An active check of one box (no change to it): admins, and the technicians and IT staff of its school.
        routes.post("/api/v1/boxes/:id/selftest", Policy.roles(Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT)
                .inEverySchoolOf(Scopes.box(registry, Scopes.path("id")))
                .auditedElsewhere("box.selftest, by the handler once the box answered or not"), this::selftest);
    }

    private void selftest(RoutingContext ctx) {
        run(ctx.pathParam("id"), ApiContext.actor(ctx)).whenComplete((out, error) -> ctx.vertx().runOnContext(v -> {
            if (error == null) {
                api.send(ctx, 200, out);
            } else {
                api.failWith(ctx, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        }));
    }

    /**
     * Self-tests one box for whoever asks (this route, the web console's box page): the command, the wait
     * for the box's report (never on an event loop), the audit entry {@code box.selftest}. Completes with the
     * report as this route answers it, or fails with an {@link ApiException}: 404 no such box, 409 not
     * online (thrown at once), 503 no answer in time, 422 the box could not run it.
     */
    public CompletableFuture<ObjectNode> run(String boxId, Actor actor) {
        Box box = registry.box(boxId).orElseThrow(() -> ApiException.notFound("no box '" + boxId + "'"));
        Presence presence = fleet.snapshot(boxId).map(BoxSnapshot::presence).orElse(Presence.NEVER_SEEN);
        if (presence != Presence.ONLINE) {
            throw new ApiException(409, "conflict", "Box " + boxId + " is " + presence.label()
                    + ": it can run a self-test only while connected. / 录播主机 " + boxId + " 未在线，无法自检。");
        }
        Instant asked = Instant.now();
        return commands.send(boxId, CommandTypes.SELFTEST, null, timeout).handle((answer, error) -> {
            String result = error != null ? "no answer" : !answer.ok() ? "refused: " + answer.error()
                    : answer.result() != null && answer.result().path("passed").asBoolean(false) ? "passed"
                    : "failed: " + (answer.result() == null ? "no report" : answer.result().path("failed").toString());
            api.vertx().executeBlocking(() -> {
                audit.record(actor, "box.selftest", boxId, null, result);
                return null;
            }, false);
            return report(box, asked, answer, error);
        });
    }

    private ObjectNode report(Box box, Instant asked, CommandResponse answer, Throwable error) {
        String boxId = box.id();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            log.info("selftest box={}: no answer: {}", boxId, cause.getMessage());
            throw new ApiException(503, "unavailable", "Box " + boxId + " did not answer the self-test within "
                    + timeout.toSeconds() + " s. / 录播主机 " + boxId + " 未在 " + timeout.toSeconds()
                    + " 秒内返回自检结果。");
        }
        if (!answer.ok()) {
            log.info("selftest box={}: refused by the box: {}", boxId, answer.error());
            throw new ApiException(422, "unprocessable", "Box " + boxId + " could not run the self-test: "
                    + answer.error() + " / 录播主机无法执行自检（见英文说明）。");
        }
        JsonNode report = answer.result() == null ? api.json().createObjectNode() : answer.result();
        ObjectNode out = api.json().createObjectNode().put("boxId", boxId).put("classroomId", box.classroomId())
                .put("schoolId", registry.schoolOf(boxId).orElse(null))
                .put("askedAt", asked.toString()).put("answeredAt", Instant.now().toString())
                .put("passed", report.path("passed").asBoolean(false));
        if (report.has("durationMs")) {
            out.set("durationMs", report.get("durationMs"));
        }
        out.set("failed", report.path("failed").isArray() ? report.get("failed") : api.json().createArrayNode());
        ArrayNode checks = report.path("checks").isArray() ? (ArrayNode) report.get("checks") : api.json().createArrayNode();
        out.set("checks", checks);
        return out;
    }
}
