package org.syncready.controller.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.Scopes;
import org.syncready.controller.api.SchoolsOf;
import org.syncready.controller.api.SelftestRoutes;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxHistory;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CommandTypes;

/**
 * The Box page: the box's live status over Server-Sent Events (a new card within moments of each status,
 * no reload), history charts, device events, incidents and its sessions this week, and the buttons Run
 * self-test (the service behind {@code POST /api/v1/boxes/{id}/selftest}) and Re-probe. Every route is
 * scoped to the box's school: another school's box page and stream are 403 for school IT and technicians.
 */
public final class BoxPages implements PageGroup {
    private static final Logger log = LoggerFactory.getLogger(BoxPages.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT);
    private static final Duration REPROBE_TIMEOUT = Duration.ofSeconds(20);

    private final FleetRegistry registry;
    private final BoxCards cards;
    private final BoxFeed feed;
    private final BoxHistory history;
    private final SessionStore sessions;
    private final CheckStore checks;
    private final SelftestRoutes selftests;
    private final BoxCommands commands;
    private ConsoleRouter router;
    private BoxCharts charts;

    public BoxPages(FleetRegistry registry, BoxCards cards, BoxFeed feed, BoxHistory history, SessionStore sessions, CheckStore checks,
                    SelftestRoutes selftests, BoxCommands commands) {
        this.registry = registry;
        this.cards = cards;
        this.feed = feed;
        this.history = history;
        this.sessions = sessions;
        this.checks = checks;
        this.selftests = selftests;
        this.commands = commands;
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        this.charts = new BoxCharts(history, router.api().json());
        SchoolsOf box = Scopes.box(registry, Scopes.path("id"));
        router.page("/console/boxes/:id", Policy.anyRole().inAnySchoolOf(box), this::page);
        router.stream("/console/boxes/:id/live", Policy.anyRole().inAnySchoolOf(box), this::live);
        router.page("/console/boxes/:id/history", Policy.anyRole().inAnySchoolOf(box), this::chart);
        // The same roles and scope as POST /api/v1/boxes/{id}/selftest; the service audits it (box.selftest).
        router.action(HttpMethod.POST, "/console/boxes/:id/selftest", Policy.roles(Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT)
                .inEverySchoolOf(box).auditedElsewhere("box.selftest, by the self-test service (SelftestRoutes.run)"), this::selftest);
        router.action(HttpMethod.POST, "/console/boxes/:id/reprobe", Policy.roles(Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT)
                .inEverySchoolOf(box).audited("box.reprobe"), this::reprobe);
    }

    private Box box(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return registry.box(id).orElseThrow(() -> ApiException.notFound("no box '" + id + "'"));
    }

    static boolean canAct(Principal p) {
        return p.role() == Role.ADMIN || p.role() == Role.TECHNICIAN || p.role() == Role.SCHOOL_IT;
    }

    // ------------------------------------------------------------------ the page

    private void page(RoutingContext ctx) {
        Box box = box(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        String schoolId = registry.schoolOf(box.id()).orElse(null);
        String school = schoolId == null ? "" : registry.school(schoolId).map(t::school).orElse(schoolId);
        long now = System.currentTimeMillis();
        router.blocking(ctx, () -> {
            BoxCard card = cards.withConfig(box, t);
            List<BoxView.Event> events = new ArrayList<>();
            List<BoxHistory.EventRecord> rows = history.events(box.id(), now - Duration.ofDays(1).toMillis(), now + 1, 500);
            for (int i = rows.size() - 1; i >= 0 && events.size() < 100; i--) {
                BoxHistory.EventRecord e = rows.get(i);
                events.add(new BoxView.Event(WHEN.format(Instant.ofEpochMilli(e.at()).atZone(cards.zone())), e.kind(), e.detail()));
            }
            Instant weekStart = LocalDate.now(cards.zone()).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay(cards.zone()).toInstant();
            Instant weekEnd = weekStart.plus(Duration.ofDays(7));
            List<BoxView.IncidentRow> incidents = new ArrayList<>();
            for (Incident i : checks.incidents(weekStart, weekEnd)) {
                if (box.id().equals(i.boxId())) {
                    incidents.add(new BoxView.IncidentRow(i.sessionId(), WHEN.format(i.start().atZone(cards.zone())),
                            i.end() == null ? t.t("box.incident.open") : WHEN.format(i.end().atZone(cards.zone())),
                            i.end() == null ? "bad" : "", i.message()));
                }
            }
            List<SyncSession> week = sessions.ofClassroom(box.classroomId(), weekStart, weekEnd);
            Map<String, SessionReadiness> latest = checks.latest(week.stream().map(SyncSession::id).toList());
            List<BoxView.SessionItem> items = new ArrayList<>();
            for (SyncSession s : week) {
                Verdict v = verdictOf(latest.get(s.id()), box.classroomId());
                items.add(new BoxView.SessionItem(s.id(), WHEN.format(s.start().atZone(cards.zone())), s.subject(),
                        t.t(s.leadClassroomId().equals(box.classroomId()) ? "role.lead" : "role.remote"),
                        v == null ? "NONE" : v.name(), v == null ? t.t("today.check.none") : t.verdict(v)));
            }
            return new BoxView(schoolId, school, card, canAct(p), events, incidents, items);
        }, view -> router.render(ctx, "box.jte", ConsoleRouter.params("f", router.frame(ctx, "schools", box.id() + " · " + view.card().classroom()),
                "v", view)));
    }

    private static Verdict verdictOf(SessionReadiness r, String classroomId) {
        if (r == null) {
            return null;
        }
        return r.classrooms().stream().filter(c -> c.classroomId().equals(classroomId)).map(ClassroomReadiness::verdict)
                .findFirst().orElse(r.verdict());
    }

    // ------------------------------------------------------------------ live

    /**
     * The live card over SSE: the current card at once, then a new one after every message of the box
     * (coalesced by {@link BoxFeed}), rendered on the stream's event loop from the live fleet's memory.
     */
    private void live(RoutingContext ctx) {
        Box box = box(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        EventStream stream = EventStream.start(ctx, "box " + box.id());
        if (stream == null) {
            return;
        }
        Runnable push = () -> stream.send("status", fragment(box, t));
        BoxFeed.Watcher w = feed.watch(box.id(), ctx.vertx().getOrCreateContext(), push);
        stream.onClose(() -> feed.unwatch(w));
        push.run();
    }

    private String fragment(Box box, Texts t) {
        return router.renderToString("box_card.jte", ConsoleRouter.params("t", t, "c", cards.live(box, t), "link", false, "config", false));
    }

    // ------------------------------------------------------------------ charts

    private void chart(RoutingContext ctx) {
        Box box = box(ctx);
        BoxCharts.Range range = BoxCharts.Range.parse(ApiContext.param(ctx, "range"));
        long now = System.currentTimeMillis();
        router.blocking(ctx, () -> charts.series(box.id(), range, now), out -> ctx.response()
                .putHeader("content-type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store").end(out.toString()));
    }

    // ------------------------------------------------------------------ actions

    /** Runs the self-test (the API's service: same command, timeout and audit) and answers the result as a fragment. */
    private void selftest(RoutingContext ctx) {
        Box box = box(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        Actor actor = ApiContext.actor(ctx);
        java.util.concurrent.CompletableFuture<ObjectNode> run;
        try {
            run = selftests.run(box.id(), actor);
        } catch (ApiException e) {
            fragmentOf(ctx, new SelftestView(box.id(), false, null, e.getMessage(), List.of()));
            return;
        }
        run.whenComplete((report, error) -> ctx.vertx().runOnContext(v -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                fragmentOf(ctx, new SelftestView(box.id(), false, null, cause.getMessage(), List.of()));
            } else {
                fragmentOf(ctx, view(box.id(), report, t));
            }
        }));
    }

    private void fragmentOf(RoutingContext ctx, SelftestView view) {
        router.renderFragment(ctx, "selftest.jte", ConsoleRouter.params("t", ConsoleRouter.texts(ctx), "s", view));
    }

    static SelftestView view(String boxId, JsonNode report, Texts t) {
        List<SelftestView.Check> rows = new ArrayList<>();
        for (JsonNode c : report.path("checks")) {
            StringBuilder values = new StringBuilder();
            Iterator<Map.Entry<String, JsonNode>> fields = c.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                if (List.of("type", "id", "state", "passed", "error").contains(e.getKey()) || e.getValue().isContainerNode()
                        || e.getValue().isNull()) {
                    continue;
                }
                values.append(values.length() == 0 ? "" : " · ").append(e.getKey()).append(' ').append(e.getValue().asText());
            }
            rows.add(new SelftestView.Check(c.path("type").asText(), c.path("id").asText(""), c.path("state").asText(""),
                    c.path("passed").asBoolean(false), c.path("error").isTextual() ? c.path("error").asText() : null, values.toString()));
        }
        boolean passed = report.path("passed").asBoolean(false);
        String summary = passed ? t.t("box.selftest.passed", report.path("durationMs").asLong())
                : t.t("box.selftest.failed", report.path("failed").size());
        return new SelftestView(boxId, passed, summary, null, rows);
    }

    /** Asks the box to probe everything now and publish a fresh status (the live card then updates by itself). */
    private void reprobe(RoutingContext ctx) {
        Box box = box(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        ApiContext.auditTarget(ctx, "box " + box.id());
        if (!cards.live(box, t).online()) {
            router.renderFragment(ctx, "notice.jte", ConsoleRouter.params("ok", false, "text", t.t("box.reprobe.offline")));
            return;
        }
        commands.send(box.id(), CommandTypes.REPROBE, null, REPROBE_TIMEOUT).whenComplete((answer, error) -> ctx.vertx().runOnContext(v -> {
            boolean ok = error == null && answer.ok();
            if (!ok) {
                log.info("reprobe box={}: {}", box.id(), error != null ? "no answer" : answer.error());
            }
            router.renderFragment(ctx, "notice.jte", ConsoleRouter.params("ok", ok,
                    "text", ok ? t.t("box.reprobe.done") : t.t("box.reprobe.failed")));
        }));
    }
}
