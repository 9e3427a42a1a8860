package org.syncready.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.fleet.RegistryException;
import org.syncready.controller.fleet.School;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.store.HistoryStore;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.StatusMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the REST API. One verticle; all state it reads belongs to the components passed in. */
public final class HttpApiVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(HttpApiVerticle.class);
    private static final long HOUR_MS = 3_600_000;

    /** What the API needs to know about where boxes connect, for registration answers. */
    public record BrokerInfo(String publicUri) {
    }

    private final String host;
    private final int port;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final HistoryStore history;
    private final ControllerMetrics metrics;
    private final ObjectMapper json;
    private final BrokerInfo broker;
    private final Supplier<Boolean> mqttConnected;
    private final long startedAt = System.currentTimeMillis();
    private HttpServer server;

    public HttpApiVerticle(String host, int port, FleetRegistry registry, LiveFleet fleet, HistoryStore history,
                           ControllerMetrics metrics, ObjectMapper json, BrokerInfo broker, Supplier<Boolean> mqttConnected) {
        this.host = host;
        this.port = port;
        this.registry = registry;
        this.fleet = fleet;
        this.history = history;
        this.metrics = metrics;
        this.json = json;
        this.broker = broker;
        this.mqttConnected = mqttConnected;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get("/health").handler(this::health);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/api/v1/schools").handler(this::listSchools);
        router.post("/api/v1/schools").handler(this::addSchool);
        router.get("/api/v1/classrooms").handler(this::listClassrooms);
        router.post("/api/v1/classrooms").handler(this::addClassroom);
        router.get("/api/v1/boxes").handler(this::listBoxes);
        router.post("/api/v1/boxes").handler(this::registerBox);
        router.get("/api/v1/boxes/:id").handler(this::getBox);
        router.get("/api/v1/boxes/:id/history").handler(this::history);
        router.get("/api/v1/boxes/:id/events").handler(this::events);
        router.route().last().handler(ctx -> fail(ctx, new ApiException(404, "not_found", "no such endpoint: "
                + ctx.request().method() + " " + ctx.request().path())));
        router.route().failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (ctx.statusCode() == 413) {
                fail(ctx, new ApiException(413, "too_large", "request body exceeds 64 KiB"));
            } else if (failure instanceof ApiException e) {
                fail(ctx, e);
            } else {
                log.error("API request failed: {} {}", ctx.request().method(), ctx.request().path(), failure);
                fail(ctx, new ApiException(500, "internal", "internal error; see the controller log"));
            }
        });
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> {
            server = s;
            log.info("HTTP API listening on http://{}:{}", host, s.actualPort());
        });
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void health(RoutingContext ctx) {
        boolean mqtt = mqttConnected.get();
        ObjectNode body = json.createObjectNode()
                .put("status", mqtt ? "ok" : "degraded")
                .put("mqtt", mqtt ? "connected" : "disconnected")
                .put("uptimeS", (System.currentTimeMillis() - startedAt) / 1000)
                .put("boxesRegistered", registry.boxes().size())
                .put("boxesOnline", fleet.count(Presence.ONLINE));
        send(ctx, mqtt ? 200 : 503, body);
    }

    private void listSchools(RoutingContext ctx) {
        ArrayNode out = json.createArrayNode();
        for (School s : registry.schools()) {
            List<Classroom> rooms = registry.classrooms(s.id());
            out.addObject().put("id", s.id()).put("nameZh", s.nameZh()).put("nameEn", s.nameEn())
                    .put("classrooms", rooms.size());
        }
        send(ctx, 200, out);
    }

    private void listClassrooms(RoutingContext ctx) {
        String school = param(ctx, "school");
        if (school != null && registry.school(school).isEmpty()) {
            throw ApiException.notFound("no school '" + school + "'");
        }
        List<Box> boxes = registry.boxes();
        ArrayNode out = json.createArrayNode();
        for (Classroom c : registry.classrooms(school)) {
            ObjectNode node = out.addObject().put("id", c.id()).put("schoolId", c.schoolId())
                    .put("nameZh", c.nameZh()).put("nameEn", c.nameEn());
            ArrayNode ids = node.putArray("boxIds");
            boxes.stream().filter(b -> b.classroomId().equals(c.id())).forEach(b -> ids.add(b.id()));
        }
        send(ctx, 200, out);
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
        ArrayNode out = json.createArrayNode();
        for (Box box : registry.boxes()) {
            String schoolId = registry.schoolOf(box.id()).orElse(null);
            if (school != null && !school.equals(schoolId)) {
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
        send(ctx, 200, out);
    }

    private void getBox(RoutingContext ctx) {
        Box box = requireBox(ctx.pathParam("id"));
        BoxSnapshot snap = snapshot(box.id());
        ObjectNode node = boxNode(box, registry.schoolOf(box.id()).orElse(null), snap);
        node.set("summary", summary(snap.status()));
        node.set("birth", json.valueToTree(snap.birth()));
        node.set("status", json.valueToTree(snap.status()));
        if (snap.statusReceivedAt() != null) {
            node.put("statusReceivedAt", Instant.ofEpochMilli(snap.statusReceivedAt()).toString());
        }
        node.putObject("counters").put("duplicates", snap.duplicates()).put("missedMessages", snap.missedMessages());
        send(ctx, 200, node);
    }

    private void history(RoutingContext ctx) {
        Box box = requireBox(ctx.pathParam("id"));
        TimeRange range = TimeRange.parse(param(ctx, "from"), param(ctx, "to"), System.currentTimeMillis(), HOUR_MS);
        int limit = limit(ctx);
        blocking(ctx, () -> history.statusHistory(box.id(), range.from(), range.to(), limit), rows -> {
            ObjectNode out = json.createObjectNode().put("boxId", box.id())
                    .put("from", Instant.ofEpochMilli(range.from()).toString())
                    .put("to", Instant.ofEpochMilli(range.to()).toString());
            ArrayNode items = out.putArray("items");
            for (HistoryStore.StatusRecord r : rows) {
                ObjectNode item = items.addObject().put("receivedAt", Instant.ofEpochMilli(r.receivedAt()).toString())
                        .put("ts", r.ts()).put("bootId", r.bootId()).put("seq", r.seq());
                item.set("status", readTree(r.json()));
            }
            out.put("truncated", rows.size() == limit);
            return out;
        });
    }

    private void events(RoutingContext ctx) {
        Box box = requireBox(ctx.pathParam("id"));
        TimeRange range = TimeRange.parse(param(ctx, "from"), param(ctx, "to"), System.currentTimeMillis(), 24 * HOUR_MS);
        int limit = limit(ctx);
        blocking(ctx, () -> history.events(box.id(), range.from(), range.to(), limit), rows -> {
            ObjectNode out = json.createObjectNode().put("boxId", box.id());
            ArrayNode items = out.putArray("items");
            for (HistoryStore.EventRecord e : rows) {
                items.addObject().put("at", Instant.ofEpochMilli(e.at()).toString()).put("kind", e.kind()).put("detail", e.detail());
            }
            return out;
        });
    }

    private void addSchool(RoutingContext ctx) {
        JsonNode body = body(ctx);
        blocking(ctx, () -> registry.addSchool(text(body, "id"), text(body, "nameZh"), text(body, "nameEn")),
                school -> json.valueToTree(school), 201);
    }

    private void addClassroom(RoutingContext ctx) {
        JsonNode body = body(ctx);
        blocking(ctx, () -> registry.addClassroom(text(body, "id"), text(body, "schoolId"), text(body, "nameZh"), text(body, "nameEn")),
                classroom -> json.valueToTree(classroom), 201);
    }

    private void registerBox(RoutingContext ctx) {
        JsonNode body = body(ctx);
        blocking(ctx, () -> registry.registerBox(text(body, "id"), text(body, "classroomId"), text(body, "model")),
                (BoxRegistration r) -> {
                    ObjectNode out = json.createObjectNode();
                    out.set("box", json.valueToTree(r.box()));
                    out.putObject("mqtt")
                            .put("uri", broker.publicUri())
                            .put("clientId", r.box().id())
                            .put("username", r.box().id())
                            .put("password", r.secret())
                            .put("topicRoot", "syncready/v1/box/" + r.box().id() + "/")
                            .put("note", "The password is shown only once. / 密码只显示这一次，请妥善保存。");
                    return out;
                }, 201);
    }

    private ObjectNode boxNode(Box box, String schoolId, BoxSnapshot snap) {
        ObjectNode node = json.createObjectNode().put("id", box.id()).put("classroomId", box.classroomId())
                .put("schoolId", schoolId).put("model", box.model())
                .put("presence", snap.presence().label()).put("stale", snap.stale());
        node.put("lastSeen", snap.lastSeen() == null ? null : Instant.ofEpochMilli(snap.lastSeen()).toString());
        node.put("bootId", snap.bootId());
        return node;
    }

    /** What someone scanning the fleet wants at a glance: how many devices are fine and what is not. */
    private ObjectNode summary(StatusMessage status) {
        ObjectNode s = json.createObjectNode();
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

    private JsonNode body(RoutingContext ctx) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.badRequest("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static String param(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static int limit(RoutingContext ctx) {
        String value = param(ctx, "limit");
        if (value == null) {
            return 1000;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1 || limit > 10_000) {
                throw ApiException.badRequest("'limit' must be 1..10000");
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'limit' must be a number");
        }
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    private <T> void blocking(RoutingContext ctx, Callable<T> work, java.util.function.Function<T, JsonNode> render) {
        blocking(ctx, work, render, 200);
    }

    /** Runs store work on a worker (unordered, so requests don't queue behind each other), answers on the loop. */
    private <T> void blocking(RoutingContext ctx, Callable<T> work, java.util.function.Function<T, JsonNode> render, int status) {
        vertx.executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                try {
                    send(ctx, status, render.apply(result.result()));
                } catch (RuntimeException e) {
                    ctx.fail(e);
                }
            } else if (result.cause() instanceof RegistryException e) {
                int code = switch (e.code()) {
                    case "conflict" -> 409;
                    case "not_found" -> 404;
                    default -> 400;
                };
                fail(ctx, new ApiException(code, e.code(), e.getMessage()));
            } else if (result.cause() instanceof ApiException e) {
                fail(ctx, e);
            } else {
                ctx.fail(result.cause());
            }
        });
    }

    private void send(RoutingContext ctx, int status, JsonNode body) {
        try {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private void fail(RoutingContext ctx, ApiException e) {
        if (ctx.response().ended()) {
            return;
        }
        send(ctx, e.status, json.createObjectNode().put("error", e.code).put("message", e.getMessage()));
    }
}
