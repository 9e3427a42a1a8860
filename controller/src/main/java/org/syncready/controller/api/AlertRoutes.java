package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.syncready.controller.alert.AlertChannel;
import org.syncready.controller.alert.AlertInbox;
import org.syncready.controller.alert.AlertStore;
import org.syncready.controller.alert.Alerts;
import org.syncready.controller.alert.Notice;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.fleet.FleetRegistry;
import java.util.Set;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.refusal.Refusal;

/**
 * Alerts (docs/ALERTS.md): channels ({@code /api/v1/alerts/channels}, secrets masked in every answer,
 * a test message, the delivery log), notices and their acknowledgement (from the console, or from the
 * signed link in a message: a confirmation page first, since chat apps open links to preview them),
 * problems being followed, quiet hours, maintenance windows, and the built-in inbox the demo's bureau
 * channel sends to. Everything that touches the store or the alerts thread runs on a worker.
 */
public final class AlertRoutes implements RouteGroup {
    private static final String BASE = "/api/v1/alerts";
    /** The inbox keeps this many messages. */
    private static final int INBOX_MAX = 500;
    private final Alerts alerts;
    private final AuditLog audit;
    private final FleetRegistry registry;
    private ApiContext api;

    public AlertRoutes(Alerts alerts, AuditLog audit, FleetRegistry registry) {
        this.alerts = alerts;
        this.audit = audit;
        this.registry = registry;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        Role[] managers = {Role.ADMIN, Role.BUREAU, Role.SCHOOL_IT};
        SchoolsOf channelInPath = this::channelSchools;
        SchoolsOf noticeInPath = this::noticeSchools;
        String elsewhere = "AlertRoutes records alert.* entries itself, naming a channel by kind and name, never its address or secret";
        routes.get(BASE + "/channels", Policy.roles(managers), this::listChannels);
        routes.post(BASE + "/channels", Policy.roles(managers).inAnySchoolOf(Scopes.school(registry, Scopes.body("schoolId")))
                .auditedElsewhere(elsewhere), this::createChannel);
        routes.get(BASE + "/channels/:id", Policy.roles(managers).inAnySchoolOf(channelInPath), this::getChannel);
        routes.put(BASE + "/channels/:id", Policy.roles(managers).inAnySchoolOf(channelInPath).auditedElsewhere(elsewhere),
                this::updateChannel);
        routes.delete(BASE + "/channels/:id", Policy.roles(managers).inAnySchoolOf(channelInPath).auditedElsewhere(elsewhere),
                this::deleteChannel);
        routes.post(BASE + "/channels/:id/test", Policy.roles(managers).inAnySchoolOf(channelInPath).auditedElsewhere(elsewhere),
                this::test);
        routes.get(BASE + "/channels/:id/deliveries", Policy.roles(managers).inAnySchoolOf(channelInPath), this::deliveries);
        routes.get(BASE + "/notices", Policy.anyRole().inAnySchoolOf(Scopes.school(registry, Scopes.query("school"))), this::notices);
        routes.get(BASE + "/notices/:id", Policy.anyRole().inAnySchoolOf(noticeInPath), this::notice);
        routes.post(BASE + "/notices/:id/ack", Policy.roles(Role.ADMIN, Role.BUREAU, Role.SCHOOL_IT, Role.TECHNICIAN)
                .inAnySchoolOf(noticeInPath).auditedElsewhere(elsewhere), this::acknowledge);
        routes.get(BASE + "/problems", Policy.anyRole().inAnySchoolOf(Scopes.school(registry, Scopes.query("school"))), this::problems);
        Policy.RateLimit links = new Policy.RateLimit(60, 30);
        routes.get(BASE + "/ack/:token", Policy.anonymous(links, "the signed, expiring token in a message's link is the credential"),
                this::ackPage);
        routes.post(BASE + "/ack/:token", Policy.anonymous(links, "the signed, expiring token in a message's link is the credential")
                .auditedElsewhere("alert.ack with the name given on the page, by AlertRoutes"), this::ackByLink);
        routes.get(BASE + "/inbox", Policy.loopbackOr(Role.ADMIN, Role.BUREAU), this::inbox);
        routes.post(BASE + "/inbox", Policy.open("the built-in receiver: each request is signed with its channel's secret, checked here")
                .notAudited("a receiver of the controller's own alert messages"), this::receive);
        routes.get(BASE + "/quiet-hours", Policy.roles(managers), this::quietHours);
        SchoolsOf schoolInPath = Scopes.school(registry, Scopes.path("school"));
        routes.put(BASE + "/quiet-hours/:school", Policy.roles(managers).inAnySchoolOf(schoolInPath).auditedElsewhere(elsewhere),
                this::setQuietHours);
        routes.delete(BASE + "/quiet-hours/:school", Policy.roles(managers).inAnySchoolOf(schoolInPath).auditedElsewhere(elsewhere),
                this::clearQuietHours);
        routes.get(BASE + "/maintenance", Policy.anyRole(), this::maintenance);
        Role[] repairers = {Role.ADMIN, Role.BUREAU, Role.SCHOOL_IT, Role.TECHNICIAN};
        routes.post(BASE + "/maintenance", Policy.roles(repairers).inAnySchoolOf(Scopes.school(registry, Scopes.body("schoolId")))
                .inAnySchoolOf(Scopes.classroom(registry, Scopes.body("classroomId"))).auditedElsewhere(elsewhere), this::addMaintenance);
        routes.delete(BASE + "/maintenance/:id", Policy.roles(repairers).inAnySchoolOf(this::maintenanceSchools)
                .auditedElsewhere(elsewhere), this::endMaintenance);
    }

    /** The school of the channel in the path; a bureau channel belongs to no school (out of a scoped role's reach). */
    private SchoolsOf.Owned channelSchools(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String what = "alert channel '" + id + "'";
        return alerts.channelSchool(id).map(s -> SchoolsOf.Owned.of(what, s.map(Set::of).orElse(Set.of())))
                .orElse(SchoolsOf.Owned.missing(what));
    }

    private SchoolsOf.Owned noticeSchools(RoutingContext ctx) {
        String what = "notice " + ctx.pathParam("id");
        try {
            return alerts.notice(Long.parseLong(ctx.pathParam("id")))
                    .map(r -> SchoolsOf.Owned.of(what, r.notice().schoolId() == null ? Set.of() : Set.of(r.notice().schoolId())))
                    .orElse(SchoolsOf.Owned.missing(what));
        } catch (NumberFormatException e) {
            return SchoolsOf.Owned.missing(what);
        }
    }

    private SchoolsOf.Owned maintenanceSchools(RoutingContext ctx) {
        String what = "maintenance window " + ctx.pathParam("id");
        return alerts.maintenance().stream().filter(m -> String.valueOf(m.id()).equals(ctx.pathParam("id"))).findFirst()
                .map(m -> SchoolsOf.Owned.of(what, Set.of(m.schoolId()))).orElse(SchoolsOf.Owned.missing(what));
    }

    // ------------------------------------------------------------------ channels

    private void listChannels(RoutingContext ctx) {
        String school = param(ctx, "school");
        String filter = "bureau".equals(school) ? "" : school;
        Principal caller = ApiContext.principal(ctx);
        api.blocking(ctx, () -> alerts.channels(filter).stream()
                .filter(c -> c.bureau() ? !caller.role().scoped() : caller.sees(c.schoolId())).toList(), list -> {
            ArrayNode out = api.json().createArrayNode();
            list.forEach(c -> out.add(channel(c)));
            return out;
        });
    }

    private void getChannel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        api.blocking(ctx, () -> alerts.channel(id).orElseThrow(() -> Refusal.notFound("no alert channel '" + id + "'")), this::channel);
    }

    private void createChannel(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        Actor actor = ApiContext.actor(ctx);
        if (!body.hasNonNull("schoolId") && ApiContext.principal(ctx).role().scoped()) {
            throw Refusal.of(Refusal.Kind.FORBIDDEN, "bureau channels (no schoolId) are managed by admin and bureau; name your school");
        }
        api.blocking(ctx, () -> {
            AlertChannel c = alerts.createChannel(body);
            audit.record(actor, "alert.channel.create", "channel " + c.id(), describe(c), "ok");
            return c;
        }, this::channel, 201);
    }

    private void updateChannel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        JsonNode body = api.body(ctx);
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> {
            AlertChannel c = alerts.updateChannel(id, body);
            audit.record(actor, "alert.channel.update", "channel " + c.id(), describe(c), "ok");
            return c;
        }, this::channel);
    }

    private void deleteChannel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Actor actor = ApiContext.actor(ctx);
        api.vertx().executeBlocking(() -> {
            alerts.deleteChannel(id);
            audit.record(actor, "alert.channel.delete", "channel " + id, "", "ok");
            return null;
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                ctx.response().setStatusCode(204).end();
            } else if (r.cause() instanceof Refusal refusal) {
                api.fail(ctx, ApiException.of(refusal, api.json()));
            } else {
                ctx.fail(r.cause());
            }
        });
    }

    private void test(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> {
            Alerts.TestResult r = alerts.test(id);
            audit.record(actor, "alert.channel.test", "channel " + id, r.outcome().label() + (r.code() == null ? "" : " " + r.code()),
                    r.outcome().label().equals("sent") ? "ok" : "failed");
            return r;
        }, r -> {
            ObjectNode out = api.json().createObjectNode().put("messageId", r.messageId())
                    .put("sent", r.outcome().label().equals("sent")).put("outcome", r.outcome().label());
            out.put("code", r.code()).put("detail", r.detail());
            return out;
        });
    }

    private void deliveries(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        int limit = Math.min(ApiContext.limit(ctx), 500);
        int n = param(ctx, "limit") == null ? 50 : limit;
        api.blocking(ctx, () -> alerts.deliveries(id, n), log -> {
            ObjectNode out = api.json().createObjectNode().put("channel", id).put("queued", log.queued());
            out.set("messages", api.json().valueToTree(log.messages()));
            out.set("log", api.json().valueToTree(log.attempts()));
            return out;
        });
    }

    private ObjectNode channel(AlertChannel c) {
        ObjectNode out = api.json().createObjectNode().put("id", c.id()).put("schoolId", c.schoolId()).put("scope", c.bureau() ? "bureau" : "school")
                .put("kind", c.kind().label()).put("name", c.name()).put("enabled", c.enabled()).put("language", c.language().label())
                .put("minLevel", c.minLevel().label()).put("perMinute", c.perMinute());
        ArrayNode topics = out.putArray("topics");
        c.topics().stream().sorted().forEach(t -> topics.add(t.label()));
        if (c.target().url() != null) {
            out.put("url", c.target().url());
        }
        if (c.target().secret() != null) {
            out.put("secret", c.target().secret());
        }
        if (c.target().smtp() != null) {
            AlertChannel.Smtp s = c.target().smtp();
            ObjectNode e = out.putObject("email").put("host", s.host()).put("port", s.port())
                    .put("security", s.security().name().toLowerCase(java.util.Locale.ROOT)).put("username", s.username())
                    .put("password", s.password()).put("from", s.from()).put("trustedCertificate", s.trustedCertificatePem() != null);
            s.to().forEach(e.putArray("to")::add);
        }
        out.put("createdAt", c.createdAt().toString()).put("updatedAt", c.updatedAt().toString());
        return out;
    }

    /** What the audit log says of a channel: its settings, never its URL or secrets. */
    private static String describe(AlertChannel c) {
        return c.kind().label() + " '" + c.name() + "' school=" + (c.bureau() ? "bureau" : c.schoolId()) + " topics="
                + c.topics().stream().map(t -> t.label()).sorted().toList() + " minLevel=" + c.minLevel().label()
                + " perMinute=" + c.perMinute() + " enabled=" + c.enabled();
    }

    // ------------------------------------------------------------------ notices, problems, acknowledgements

    private void notices(RoutingContext ctx) {
        String school = param(ctx, "school");
        int n = param(ctx, "limit") == null ? 100 : Math.min(ApiContext.limit(ctx), 1000);
        Principal caller = ApiContext.principal(ctx);
        api.blocking(ctx, () -> alerts.notices(school, n).stream()
                .filter(r -> r.notice().schoolId() == null ? !caller.role().scoped() : caller.sees(r.notice().schoolId())).toList(), list -> {
            ArrayNode out = api.json().createArrayNode();
            list.forEach(r -> out.add(notice(r)));
            return out;
        });
    }

    private void notice(RoutingContext ctx) {
        long id = id(ctx);
        api.blocking(ctx, () -> alerts.notice(id).orElseThrow(() -> Refusal.notFound("no notice " + id)), this::notice);
    }

    private ObjectNode notice(AlertStore.NoticeRecord r) {
        ObjectNode out = api.json().valueToTree(r.notice());
        if (r.ackedBy() != null) {
            out.putObject("acknowledged").put("by", r.ackedBy()).put("via", r.ackedVia()).put("at", r.ackedAt().toString());
        }
        return out;
    }

    private void acknowledge(RoutingContext ctx) {
        long id = id(ctx);
        Actor actor = ApiContext.actor(ctx);
        JsonNode body = RequestBody.bytes(ctx).length == 0 ? api.json().createObjectNode() : api.body(ctx);
        String by = body.hasNonNull("by") ? name(body.get("by").asText()) : actor.name();
        api.blocking(ctx, () -> {
            Alerts.AckResult r = alerts.acknowledge(id, by, "console");
            if (!r.alreadyAcknowledged()) {
                audit.record(actor, "alert.ack", "notice " + id, r.acknowledged() + " open problem(s), by " + by, "ok");
            }
            return r;
        }, r -> api.json().createObjectNode().put("notice", id).put("acknowledged", r.acknowledged())
                .put("by", r.by()).put("via", r.via()).put("alreadyAcknowledged", r.alreadyAcknowledged()));
    }

    private void problems(RoutingContext ctx) {
        String school = param(ctx, "school");
        Principal caller = ApiContext.principal(ctx);
        api.blocking(ctx, () -> alerts.problems(school).stream().filter(p -> !caller.role().scoped() || caller.seesAny(p.schools())).toList(),
                list -> api.json().valueToTree(list));
    }

    /** The page an acknowledge link opens: what it is about, and a button (a GET never changes anything). */
    private void ackPage(RoutingContext ctx) {
        String token = ctx.pathParam("token");
        html(ctx, () -> {
            Alerts.AckPage page = alerts.ackPage(token);
            Notice n = page.record().notice();
            StringBuilder s = new StringBuilder();
            s.append("<h2>").append(esc(title(n))).append("</h2><ul>");
            for (Notice.Item i : n.items()) {
                s.append("<li>").append(esc(i.classroomZh() == null ? i.subject() : i.classroomZh()));
                i.findings().forEach(f -> s.append("：").append(esc(f.zh())));
                s.append("</li>");
            }
            s.append("</ul>");
            if (page.record().ackedBy() != null) {
                s.append("<p>已由 <b>").append(esc(page.record().ackedBy())).append("</b> 确认 / acknowledged by ")
                        .append(esc(page.record().ackedBy())).append(" (").append(page.record().ackedAt()).append(")</p>");
            } else if (page.expired()) {
                s.append("<p>此链接已过期，请在控制台确认。/ This link has expired; acknowledge in the console.</p>");
            } else {
                s.append("<form method=\"post\"><label>您的姓名 / Your name: <input name=\"by\" maxlength=\"32\" required></label> ")
                        .append("<button type=\"submit\">确认收到，停止提醒 / Acknowledge</button></form>");
            }
            return s.toString();
        });
    }

    private void ackByLink(RoutingContext ctx) {
        String token = ctx.pathParam("token");
        String by = formField(RequestBody.bytes(ctx), "by");
        html(ctx, () -> {
            String name = name(by == null ? "" : by);
            Alerts.AckResult r = alerts.acknowledgeByLink(token, name);
            if (r.alreadyAcknowledged()) {
                return "<p>已由 <b>" + esc(r.by()) + "</b> 确认过。/ Already acknowledged by " + esc(r.by()) + ".</p>";
            }
            audit.record(new Actor(name, AccessGuard.source(ctx)), "alert.ack", "notice " + r.notice().id(),
                    r.acknowledged() + " open problem(s), via the link in a message", "ok");
            return "<p>已确认，" + r.acknowledged() + " 个问题不再提醒。谢谢，" + esc(name) + "！/ Acknowledged: no more reminders for "
                    + r.acknowledged() + " problem(s).</p>";
        });
    }

    /** One field of an {@code application/x-www-form-urlencoded} body (the acknowledge page's form); null if absent. */
    private static String formField(byte[] body, String name) {
        for (String pair : new String(body, java.nio.charset.StandardCharsets.US_ASCII).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                try {
                    return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String title(Notice n) {
        return "SyncReady " + (n.schoolZh() == null ? "" : n.schoolZh() + " ") + n.trigger();
    }

    private void html(RoutingContext ctx, Callable<String> body) {
        api.vertx().executeBlocking(body, false).onComplete(r -> {
            int status = 200;
            String content;
            if (r.succeeded()) {
                content = r.result();
            } else if (r.cause() instanceof Refusal refusal) {
                status = refusal.kind().httpStatus();
                content = "<p>" + esc(refusal.getMessage()) + "</p>";
            } else if (r.cause() instanceof ApiException e) {
                status = e.status;
                content = "<p>" + esc(e.getMessage()) + "</p>";
            } else {
                ctx.fail(r.cause());
                return;
            }
            ctx.response().setStatusCode(status).putHeader("content-type", "text/html; charset=utf-8")
                    .putHeader("cache-control", "no-store").putHeader("referrer-policy", "no-referrer")
                    .end("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                            + "<meta name=\"viewport\" content=\"width=device-width\"><title>SyncReady</title></head>"
                            + "<body style=\"font-family:sans-serif;max-width:40em;margin:2em auto\">" + content + "</body></html>");
        });
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A person's name as given with an acknowledgement: 1-32 letters, digits, spaces or ._@-. */
    private static String name(String raw) {
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 32 || !s.matches("[\\p{L}\\p{N} ._@-]+")) {
            throw Refusal.invalid("/by", "a name of 1-32 letters, digits, spaces or ._@- (e.g. 张老师)");
        }
        return s;
    }

    // ------------------------------------------------------------------ the built-in inbox

    private void inbox(RoutingContext ctx) {
        int n = param(ctx, "limit") == null ? 50 : Math.min(ApiContext.limit(ctx), INBOX_MAX);
        ArrayNode out = api.json().createArrayNode();
        for (AlertInbox.Received r : alerts.inbox().latest(n)) {
            ObjectNode o = out.addObject().put("at", r.at().toString()).put("channel", r.channelId())
                    .put("deliveryId", r.deliveryId()).put("event", r.event());
            o.put("title", r.body().path("title").asText(null)).put("text", r.body().path("text").asText(null));
            o.set("notices", r.body().path("notices"));
        }
        api.send(ctx, 200, out);
    }

    private void receive(RoutingContext ctx) {
        byte[] body = RequestBody.bytes(ctx);
        boolean fresh = alerts.inbox().receive(ctx.request().getHeader("X-SyncReady-Channel"), ctx.request().getHeader("X-SyncReady-Timestamp"),
                ctx.request().getHeader("X-SyncReady-Signature"), ctx.request().getHeader("X-SyncReady-Delivery"),
                ctx.request().getHeader("X-SyncReady-Event"), body);
        api.send(ctx, 200, api.json().createObjectNode().put("received", true).put("duplicate", !fresh));
    }

    // ------------------------------------------------------------------ quiet hours, maintenance

    /** Each caller sees the quiet hours of the schools they act in (all of them for the unscoped roles). */
    private void quietHours(RoutingContext ctx) {
        Principal caller = ApiContext.principal(ctx);
        api.blocking(ctx, () -> alerts.quietHours().stream().filter(q -> caller.sees(q.schoolId())).toList(),
                list -> api.json().valueToTree(list));
    }

    private void setQuietHours(RoutingContext ctx) {
        String school = ctx.pathParam("school");
        JsonNode body = api.body(ctx);
        LocalTime from = time(body, "from");
        LocalTime to = time(body, "to");
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> {
            var q = alerts.setQuietHours(school, from, to);
            audit.record(actor, "alert.quiet-hours", "school " + school, from + "-" + to, "ok");
            return q;
        }, q -> api.json().valueToTree(q));
    }

    private void clearQuietHours(RoutingContext ctx) {
        String school = ctx.pathParam("school");
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> {
            alerts.clearQuietHours(school);
            audit.record(actor, "alert.quiet-hours", "school " + school, "cleared", "ok");
            return school;
        }, s -> api.json().createObjectNode().put("schoolId", s).put("quietHours", (String) null));
    }

    /** Each caller sees the maintenance windows of the schools they act in (all of them for the unscoped roles). */
    private void maintenance(RoutingContext ctx) {
        Principal caller = ApiContext.principal(ctx);
        api.blocking(ctx, () -> alerts.maintenance().stream().filter(m -> caller.sees(m.schoolId())).toList(),
                list -> api.json().valueToTree(list));
    }

    private void addMaintenance(RoutingContext ctx) {
        JsonNode body = api.body(ctx);
        String school = body.hasNonNull("schoolId") ? ApiContext.text(body, "schoolId") : null;
        String classroom = body.hasNonNull("classroomId") ? ApiContext.text(body, "classroomId") : null;
        Instant until;
        try {
            until = Instant.parse(ApiContext.text(body, "until"));
        } catch (DateTimeParseException e) {
            throw Refusal.invalid("/until", "an ISO-8601 instant, e.g. 2026-03-02T10:00:00+08:00 written as 2026-03-02T02:00:00Z");
        }
        String note = body.hasNonNull("note") ? ApiContext.text(body, "note") : null;
        if (note != null && note.length() > 200) {
            throw Refusal.invalid("/note", "at most 200 characters");
        }
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> {
            var m = alerts.addMaintenance(school, classroom, until, note, actor.name());
            audit.record(actor, "alert.maintenance", classroom != null ? "classroom " + classroom : "school " + m.schoolId(),
                    "until " + until + (note == null ? "" : ": " + note), "ok");
            return m;
        }, m -> api.json().valueToTree(m), 201);
    }

    private void endMaintenance(RoutingContext ctx) {
        long id = id(ctx);
        Actor actor = ApiContext.actor(ctx);
        api.blocking(ctx, () -> {
            alerts.endMaintenance(id);
            audit.record(actor, "alert.maintenance", "window " + id, "ended", "ok");
            return id;
        }, i -> api.json().createObjectNode().put("ended", i));
    }

    private static LocalTime time(JsonNode body, String field) {
        try {
            return LocalTime.parse(ApiContext.text(body, field));
        } catch (DateTimeParseException e) {
            throw Refusal.invalid("/" + field, "a time of day HH:mm in the bureau's zone, e.g. 21:30");
        }
    }

    private static long id(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("/id", "must be a number");
        }
    }
}
