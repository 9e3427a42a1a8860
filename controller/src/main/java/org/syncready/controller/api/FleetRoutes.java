package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.limit;
import static org.syncready.controller.api.ApiContext.param;
import static org.syncready.controller.api.ApiContext.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxHistory;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.fleet.School;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/** Schools, classrooms, boxes with their live state, history and events. */
public final class FleetRoutes implements RouteGroup {
    private static final long HOUR_MS = 3_600_000;

    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final BoxHistory history;
    private final BoxConnectInfo connect;
    private ApiContext api;

    public FleetRoutes(FleetRegistry registry, LiveFleet fleet, BoxHistory history, BoxConnectInfo connect) {
        this.registry = registry;
        this.fleet = fleet;
        this.history = history;
        this.connect = connect;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        SchoolsOf schoolFilter = Scopes.school(registry, Scopes.query("school"));
        SchoolsOf boxInPath = Scopes.box(registry, Scopes.path("id"));
        routes.get("/api/v1/schools", Policy.anyRole(), this::listSchools);
        routes.post("/api/v1/schools", Policy.roles(Role.ADMIN).audited("school.create"), this::addSchool);
        routes.get("/api/v1/classrooms", Policy.anyRole().inAnySchoolOf(schoolFilter), this::listClassrooms);
        routes.post("/api/v1/classrooms", Policy.roles(Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN)
                .inEverySchoolOf(Scopes.school(registry, Scopes.body("schoolId"))).audited("classroom.create"), this::addClassroom);
        routes.get("/api/v1/boxes", Policy.anyRole().inAnySchoolOf(schoolFilter), this::listBoxes);
        routes.post("/api/v1/boxes", Policy.roles(Role.ADMIN, Role.TECHNICIAN)
                .inEverySchoolOf(Scopes.classroom(registry, Scopes.body("classroomId"))).audited("box.register"), this::registerBox);
        routes.get("/api/v1/boxes/:id", Policy.anyRole().inAnySchoolOf(boxInPath), this::getBox);
        routes.get("/api/v1/boxes/:id/history", Policy.anyRole().inAnySchoolOf(boxInPath), this::history);
        routes.get("/api/v1/boxes/:id/events", Policy.anyRole().inAnySchoolOf(boxInPath), this::events);
    }

    private void listSchools(RoutingContext ctx) {
        Principal caller = ApiContext.principal(ctx);
        ArrayNode out = api.json().createArrayNode();
        for (School s : registry.schools()) {
            if (!caller.sees(s.id())) {
                continue;
            }
            List<Classroom> rooms = registry.classrooms(s.id());
            out.addObject().put("id", s.id()).put("nameZh", s.nameZh()).put("nameEn", s.nameEn())
                    .put("classrooms", rooms.size());
        }
        api.send(ctx, 200, out);
    }

    private void listClassrooms(RoutingContext ctx) {
        String school = param(ctx, "school");
        if (school != null && registry.school(school).isEmpty()) {
            throw ApiException.notFound("no school '" + school + "'");
        }
        Principal caller = ApiContext.principal(ctx);
        List<Box> boxes = registry.boxes();
        ArrayNode out = api.json().createArrayNode();
        for (Classroom c : registry.classrooms(school)) {
            if (!caller.sees(c.schoolId())) {
                continue;
            }
            ObjectNode node = out.addObject().put("id", c.id()).put("schoolId", c.schoolId())
                    .put("nameZh", c.nameZh()).put("nameEn", c.nameEn());
            ArrayNode ids = node.putArray("boxIds");
            boxes.stream().filter(b -> b.classroomId().equals(c.id())).forEach(b -> ids.add(b.id()));
        }
        api.send(ctx, 200, out);
    }

    private void listBoxes(RoutingContext ctx) {
        String school = param(ctx, "school");
        String state = param(ctx, "state");
        if (state != null && !List.of("online", "offline", "stale", "never_seen").contains(state)) {
            throw ApiException.badRequest("'state' must be one of online, offline, stale, never_seen");
        }
        if (school != null && registry.school(school).isEmpty()) {
            throw ApiException.notFound("no school '" + school + "'");
        }
        Principal caller = ApiContext.principal(ctx);
        ArrayNode out = api.json().createArrayNode();
        for (Box box : registry.boxes()) {
            String schoolId = registry.schoolOf(box.id()).orElse(null);
            if (school != null && !school.equals(schoolId) || !caller.sees(schoolId)) {
                continue;
            }
            BoxSnapshot snap = snapshot(box.id());
            if (state != null && !matches(snap, state)) {
                continue;
            }
            ObjectNode node = boxNode(box, schoolId, snap);
            node.set("summary", summary(snap.status()));
            out.add(node);
        }
        api.send(ctx, 200, out);
    }

    private void getBox(RoutingContext ctx) {
        Box box = requireBox(ctx.pathParam("id"));
        BoxSnapshot snap = snapshot(box.id());
        ObjectNode node = boxNode(box, registry.schoolOf(box.id()).orElse(null), snap);
        node.set("summary", summary(snap.status()));
        node.set("birth", api.json().valueToTree(snap.birth()));
        node.set("status", api.json().valueToTree(snap.status()));
        if (snap.statusReceivedAt() != null) {
            node.put("statusReceivedAt", Instant.ofEpochMilli(snap.statusReceivedAt()).toString());
        }
        node.putObject("counters").put("duplicates", snap.duplicates()).put("missedMessages", snap.missedMessages());
        // The box's clock minus the controller's as its live messages showed; beyond a minute it is CLOCK_SKEW.
        node.put("clockOffsetMs", snap.clockOffsetMs()).put("clockSkewed", snap.clockSkewed());
        api.send(ctx, 200, node);
    }

    private void history(RoutingContext ctx) {
        Box box = requireBox(ctx.pathParam("id"));
        TimeRange range = TimeRange.parse(param(ctx, "from"), param(ctx, "to"), System.currentTimeMillis(), HOUR_MS);
        int limit = limit(ctx);
        api.blocking(ctx, () -> history.statusHistory(box.id(), range.from(), range.to(), limit), rows -> {
            ObjectNode out = api.json().createObjectNode().put("boxId", box.id())
                    .put("from", Instant.ofEpochMilli(range.from()).toString())
                    .put("to", Instant.ofEpochMilli(range.to()).toString());
            ArrayNode items = out.putArray("items");
            for (BoxHistory.StatusRecord r : rows) {
                ObjectNode item = items.addObject().put("receivedAt", Instant.ofEpochMilli(r.receivedAt()).toString())
                        .put("ts", r.ts()).put("bootId", r.bootId()).put("seq", r.seq());
                item.set("status", api.readTree(r.json()));
            }
            out.put("truncated", rows.size() == limit);
            return out;
        });
    }

    private void events(RoutingContext ctx) {
        Box box = requireBox(ctx.pathParam("id"));
        TimeRange range = TimeRange.parse(param(ctx, "from"), param(ctx, "to"), System.currentTimeMillis(), 24 * HOUR_MS);
        int limit = limit(ctx);
        api.blocking(ctx, () -> history.events(box.id(), range.from(), range.to(), limit), rows -> {
            ObjectNode out = api.json().createObjectNode().put("boxId", box.id());
            ArrayNode items = out.putArray("items");
            for (BoxHistory.EventRecord e : rows) {
                items.addObject().put("at", Instant.ofEpochMilli(e.at()).toString()).put("kind", e.kind()).put("detail", e.detail());
            }
            return out;
        });
    }

    private void addSchool(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        ApiContext.auditTarget(ctx, "school " + body.path("id").asText("?"));
        api.blocking(ctx, () -> registry.addSchool(text(body, "id"), text(body, "nameZh"), text(body, "nameEn")),
                school -> api.json().valueToTree(school), 201);
    }

    private void addClassroom(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        ApiContext.auditTarget(ctx, "classroom " + body.path("id").asText("?") + " in school " + body.path("schoolId").asText("?"));
        api.blocking(ctx, () -> registry.addClassroom(text(body, "id"), text(body, "schoolId"), text(body, "nameZh"), text(body, "nameEn")),
                classroom -> api.json().valueToTree(classroom), 201);
    }

    private void registerBox(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        String host = BoxConnectInfo.requestHost(ctx);
        ApiContext.auditTarget(ctx, "box " + body.path("id").asText("?") + " in classroom " + body.path("classroomId").asText("?"));
        api.blocking(ctx, () -> registry.registerBox(text(body, "id"), text(body, "classroomId"), text(body, "model")),
                (BoxRegistration r) -> {
                    ObjectNode out = api.json().createObjectNode();
                    out.set("box", api.json().valueToTree(r.box()));
                    out.putObject("mqtt")
                            .put("uri", connect.mqttUri(host))
                            .put("clientId", r.box().id())
                            .put("username", r.box().id())
                            .put("password", r.secret())
                            .put("topicRoot", Topics.boxRoot(r.box().id()))
                            .put("note", "The password is shown only once. / 密码只显示这一次，请妥善保存。");
                    ObjectNode config = out.putObject("config")
                            .put("publicKey", connect.configKeys().isEmpty() ? null : connect.configKeys().get(0))
                            .put("note", "Pin these keys in agent.yaml (controllerKeys): the box applies only configurations they sign. "
                                    + "/ 请将公钥写入 agent.yaml 的 controllerKeys，主机只接受由其签名的配置。");
                    config.set("publicKeys", api.json().valueToTree(connect.configKeys()));
                    out.putObject("tls").put("caCertificate", connect.caPem()).put("caFingerprint", connect.caFingerprint());
                    out.put("controllerUrl", connect.controllerUrl(host));
                    return out;
                }, 201);
    }

    private ObjectNode boxNode(Box box, String schoolId, BoxSnapshot snap) {
        ObjectNode node = api.json().createObjectNode().put("id", box.id()).put("classroomId", box.classroomId())
                .put("schoolId", schoolId).put("model", box.model())
                .put("presence", snap.presence().label()).put("stale", snap.stale());
        node.put("lastSeen", snap.lastSeen() == null ? null : Instant.ofEpochMilli(snap.lastSeen()).toString());
        node.put("bootId", snap.bootId());
        return node;
    }

    /** What someone scanning the fleet wants at a glance: how many devices are fine and what is not. */
    private ObjectNode summary(StatusMessage status) {
        ObjectNode s = api.json().createObjectNode();
        if (status == null) {
            return s;
        }
        s.put("camerasOk", status.cameras().stream().filter(c -> c.state() == DeviceState.OK).count())
                .put("cameras", status.cameras().size())
                .put("microphonesOk", status.microphones().stream().filter(m -> m.state() == DeviceState.OK && !m.muted() && !m.clipping()).count())
                .put("microphones", status.microphones().size())
                .put("link", status.network().link());
        if (status.network().rttMs() != null) {
            s.put("rttMs", status.network().rttMs());
        }
        ArrayNode problems = s.putArray("problems");
        for (CameraStatus c : status.cameras()) {
            if (c.state() != DeviceState.OK) {
                problems.add("camera " + c.id() + " (" + c.role() + "): " + c.state() + (c.error() != null ? " - " + c.error() : ""));
            }
        }
        for (MicrophoneStatus m : status.microphones()) {
            if (m.state() != DeviceState.OK || m.muted() || m.clipping()) {
                problems.add("microphone " + m.id() + ": " + (m.muted() ? "silent" : m.clipping() ? "clipping" : m.state().toString())
                        + (m.error() != null ? " - " + m.error() : ""));
            }
        }
        return s;
    }

    private BoxSnapshot snapshot(String boxId) {
        return fleet.snapshot(boxId).orElseGet(() ->
                new BoxSnapshot(boxId, Presence.NEVER_SEEN, false, null, null, null, null, null, 0, 0));
    }

    private static boolean matches(BoxSnapshot snap, String state) {
        return switch (state) {
            case "stale" -> snap.stale();
            case "online" -> snap.presence() == Presence.ONLINE;
            case "offline" -> snap.presence() == Presence.OFFLINE;
            default -> snap.presence() == Presence.NEVER_SEEN;
        };
    }

    private Box requireBox(String id) {
        return registry.box(id).orElseThrow(() -> ApiException.notFound("no box '" + id + "'"));
    }
}
