package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.enroll.EnrollmentCode;
import org.syncready.controller.enroll.EnrollmentCodes;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.refusal.Refusal;
import org.syncready.protocol.Topics;

/**
 * A box's credentials from birth to end: enrollment codes for a classroom, a box redeeming one,
 * rotating a box's MQTT secret and revoking a box.
 *
 * <p>Who may reach each route (each declares its {@link Policy}):
 * <ul>
 *   <li>codes (create, list, revoke): admin, and technician or school IT of the classroom's school;</li>
 *   <li>{@code POST /api/v1/enroll}: anyone (a box has no account yet), at most {@link #ENROLL_REQUESTS}
 *       per source address, and failures further limited per source and overall by
 *       {@link EnrollmentCodes.Limits};</li>
 *   <li>rotate and revoke: admin, and technician of the box's school.</li>
 * </ul>
 * Every state change is audited: codes and redemptions by {@link EnrollmentCodes}, rotation and
 * revocation by the policy.
 */
public final class EnrollmentRoutes implements RouteGroup {
    /**
     * Requests (any outcome) one address may send to {@code /api/v1/enroll}: a coarse cap in front of
     * {@link EnrollmentCodes.Limits}, which counts failures. Roomy enough for a technician enrolling a
     * school's boxes from behind one NAT address.
     */
    static final Policy.RateLimit ENROLL_REQUESTS = new Policy.RateLimit(60, 20);

    private final EnrollmentCodes codes;
    private final FleetRegistry registry;
    private final BoxConnectInfo connect;
    private ApiContext api;

    public EnrollmentRoutes(EnrollmentCodes codes, FleetRegistry registry, BoxConnectInfo connect) {
        this.codes = codes;
        this.registry = registry;
        this.connect = connect;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        SchoolsOf classroomInPath = Scopes.classroom(registry, Scopes.path("id"));
        SchoolsOf boxInPath = Scopes.box(registry, Scopes.path("id"));
        routes.post("/api/v1/classrooms/:id/enrollment-codes", Policy.roles(Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT)
                .inEverySchoolOf(classroomInPath).auditedElsewhere("EnrollmentCodes: enrollment.code.create"), this::createCode);
        routes.get("/api/v1/classrooms/:id/enrollment-codes", Policy.roles(Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT)
                .inAnySchoolOf(classroomInPath), this::listCodes);
        routes.delete("/api/v1/classrooms/:id/enrollment-codes/:code", Policy.roles(Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT)
                .inEverySchoolOf(classroomInPath).auditedElsewhere("EnrollmentCodes: enrollment.code.revoke"), this::revokeCode);
        routes.post("/api/v1/enroll", Policy.anonymous(ENROLL_REQUESTS, "a box redeeming its enrollment code: it has no account yet")
                .auditedElsewhere("EnrollmentCodes: enrollment.redeem, with the box's address"), this::enroll);
        routes.post("/api/v1/boxes/:id/credentials", Policy.roles(Role.ADMIN, Role.TECHNICIAN).inEverySchoolOf(boxInPath)
                .audited("box.credentials.rotate"), this::rotate);
        routes.delete("/api/v1/boxes/:id", Policy.roles(Role.ADMIN, Role.TECHNICIAN).inEverySchoolOf(boxInPath)
                .audited("box.revoke"), this::revokeBox);
    }

    private void createCode(RoutingContext ctx) {
        String classroom = ctx.pathParam("id");
        JsonNode body = ctx.body() == null || ctx.body().length() == 0 ? api.json().createObjectNode() : api.body(ctx);
        Duration ttl = EnrollmentCodes.DEFAULT_TTL;
        JsonNode hours = body.get("ttlHours");
        if (hours != null && !hours.isNull()) {
            if (!hours.isNumber()) {
                throw ApiException.badRequest("field 'ttlHours' must be a number of hours (1..168)");
            }
            ttl = Duration.ofMinutes(Math.round(hours.asDouble() * 60));
        }
        Actor actor = ApiContext.actor(ctx);
        String host = BoxConnectInfo.requestHost(ctx);
        Duration validFor = ttl;
        api.blocking(ctx, () -> codes.create(classroom, validFor, actor), issued -> {
            ObjectNode out = codeNode(issued.code(), System.currentTimeMillis());
            out.put("code", issued.text());
            out.put("schoolId", registry.schoolOfClassroom(classroom).orElse(null));
            out.put("controllerUrl", connect.controllerUrl(host));
            out.put("caFingerprint", connect.caFingerprint());
            out.put("command", "syncready-agent enroll --controller " + connect.controllerUrl(host) + " --code " + issued.text()
                    + (connect.caFingerprint() == null ? "" : " --ca-fingerprint " + connect.caFingerprint()));
            out.put("note", "The code is shown only once and works once. / 注册码只显示这一次，且只能使用一次。");
            return out;
        }, 201);
    }

    private void listCodes(RoutingContext ctx) {
        String classroom = ctx.pathParam("id");
        api.blocking(ctx, () -> codes.list(classroom), list -> {
            long now = System.currentTimeMillis();
            ArrayNode out = api.json().createArrayNode();
            list.forEach(c -> out.add(codeNode(c, now)));
            return out;
        });
    }

    private void revokeCode(RoutingContext ctx) {
        String classroom = ctx.pathParam("id");
        String id = ctx.pathParam("code");
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> codes.revoke(classroom, id, actor), c -> codeNode(c, System.currentTimeMillis()));
    }

    private void enroll(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        String code = text(body, "code");
        String boxId = optionalText(body, "boxId");
        String model = optionalText(body, "model");
        String source = AccessGuard.source(ctx);
        String host = BoxConnectInfo.requestHost(ctx);
        api.vertx().executeBlocking(() -> codes.redeem(code, boxId, model, source), false).onComplete(result -> {
            if (result.succeeded()) {
                api.send(ctx, 201, enrolledNode(result.result(), host));
            } else if (result.cause() instanceof EnrollmentCodes.Throttled t) {
                ctx.response().putHeader("Retry-After", String.valueOf(t.retryAfterSeconds()));
                api.fail(ctx, new ApiException(429, "too_many_requests", t.getMessage()));
            } else if (result.cause() instanceof Refusal r) {
                api.fail(ctx, ApiException.of(r, api.json()));
            } else {
                ctx.fail(result.cause());
            }
        });
    }

    private ObjectNode enrolledNode(EnrollmentCodes.Enrolled e, String host) {
        BoxRegistration r = e.registration();
        Box box = r.box();
        ObjectNode out = api.json().createObjectNode().put("boxId", box.id()).put("classroomId", box.classroomId())
                .put("schoolId", registry.schoolOfClassroom(box.classroomId()).orElse(null)).put("model", box.model());
        out.putObject("mqtt").put("uri", connect.mqttUri(host)).put("clientId", box.id()).put("username", box.id())
                .put("password", r.secret()).put("topicRoot", Topics.boxRoot(box.id()));
        out.putObject("tls").put("caCertificate", connect.caPem()).put("caFingerprint", connect.caFingerprint());
        out.putObject("config").set("publicKeys", api.json().valueToTree(connect.configKeys()));
        out.putObject("controller").put("url", connect.controllerUrl(host)).put("echoPort", connect.echoPort());
        out.put("note", "The password is shown only once: keep it in a 0600 file. / 密码只显示这一次，请保存在权限为 0600 的文件中。");
        return out;
    }

    private void rotate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "box " + id + " school " + registry.schoolOf(id).orElse("?"));
        String host = BoxConnectInfo.requestHost(ctx);
        api.blocking(ctx, () -> registry.rotateSecret(id), r -> {
            ObjectNode out = api.json().createObjectNode().put("boxId", r.box().id());
            out.putObject("mqtt").put("uri", connect.mqttUri(host)).put("clientId", r.box().id()).put("username", r.box().id())
                    .put("password", r.secret());
            out.put("note", "The old password no longer works and the box was disconnected; the new one is shown only once. "
                    + "/ 旧密码已失效，主机连接已断开；新密码只显示这一次。");
            return out;
        });
    }

    private void revokeBox(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "box " + id + " school " + registry.schoolOf(id).orElse("?"));
        api.blocking(ctx, () -> registry.revokeBox(id), box -> api.json().createObjectNode().put("boxId", box.id()).put("classroomId", box.classroomId())
                .put("revoked", true)
                .put("note", "The box was disconnected and its credentials no longer work. / 主机已断开，其凭据已失效。"));
    }

    private ObjectNode codeNode(EnrollmentCode c, long now) {
        ObjectNode n = api.json().createObjectNode().put("id", c.id()).put("classroomId", c.classroomId())
                .put("state", c.state(now).label()).put("createdBy", c.createdBy())
                .put("createdAt", Instant.ofEpochMilli(c.createdAt()).toString())
                .put("expiresAt", Instant.ofEpochMilli(c.expiresAt()).toString());
        n.put("usedAt", c.usedAt() == null ? null : Instant.ofEpochMilli(c.usedAt()).toString());
        n.put("usedByBox", c.usedByBox());
        n.put("revokedAt", c.revokedAt() == null ? null : Instant.ofEpochMilli(c.revokedAt()).toString());
        return n;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("field '" + field + "' must be a string");
        }
        return v.asText();
    }
}
