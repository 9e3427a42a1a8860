package org.syncready.controller.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.SchoolsOf;
import org.syncready.controller.api.Scopes;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.ReadinessChecks;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/**
 * The Session page: what {@code GET /api/v1/sessions/{id}/readiness} answers, readable: the lead and
 * remote classrooms with verdict, reasons and the data behind them, every check made, incidents; and
 * Check now ({@code POST /api/v1/sessions/{id}/check}'s service: self-tests of its online boxes, then a verdict).
 */
public final class SessionPages implements PageGroup {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter MDHM = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT);

    private final SessionStore sessions;
    private final FleetRegistry registry;
    private final ReadinessChecks checks;
    private final CheckStore store;
    private final ZoneId zone;
    private final Clock clock;
    private ConsoleRouter router;

    public SessionPages(SessionStore sessions, FleetRegistry registry, ReadinessChecks checks, CheckStore store, ZoneId zone, Clock clock) {
        this.sessions = sessions;
        this.registry = registry;
        this.checks = checks;
        this.store = store;
        this.zone = zone;
        this.clock = clock;
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        SchoolsOf session = Scopes.session(registry, sessions, Scopes.path("id"));
        router.page("/console/sessions/:id", Policy.anyRole().inAnySchoolOf(session), this::page);
        router.action(HttpMethod.POST, "/console/sessions/:id/check", Policy.roles(Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN)
                .inAnySchoolOf(session).audited("readiness.check"), this::check);
    }

    private SyncSession session(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return sessions.get(id).orElseThrow(() -> ApiException.notFound("no session '" + id + "'"));
    }

    private record Data(SessionReadiness latest, List<SessionReadiness> history, List<Incident> incidents) {
    }

    private void page(RoutingContext ctx) {
        SyncSession s = session(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        router.blocking(ctx, () -> new Data(checks.latest(s.id()).orElseGet(() -> checks.preview(s)), store.checks(s.id()),
                store.incidents(s.id())), d -> {
            SessionView view = view(s, t, d, p.role() != Role.BUREAU);
            router.render(ctx, "session.jte", ConsoleRouter.params("f", router.frame(ctx, "today", s.subject()), "v", view));
        });
    }

    /** Checks now and answers the readiness section again (htmx swaps it in). */
    private void check(RoutingContext ctx) {
        SyncSession s = session(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        ApiContext.auditTarget(ctx, "session " + s.id() + ": self-tests of its online boxes");
        checks.checkNow(s).whenComplete((r, e) -> ctx.vertx().runOnContext(v -> {
            if (e != null) {
                ctx.fail(e);
                return;
            }
            ApiContext.auditDetail(ctx, "verdict " + r.verdict());
            SessionView.Readiness readiness = readiness(t, r, state(s));
            router.renderFragment(ctx, "session_readiness.jte", ConsoleRouter.params("t", t, "r", readiness));
        }));
    }

    private String state(SyncSession s) {
        Instant now = clock.instant();
        return !s.end().isAfter(now) ? "past" : s.runningAt(now) ? "now" : "next";
    }

    private SessionView view(SyncSession s, Texts t, Data d, boolean canCheck) {
        String state = state(s);
        List<SessionView.CheckRow> history = new ArrayList<>();
        for (int i = d.history().size() - 1; i >= 0; i--) {
            SessionReadiness c = d.history().get(i);
            String rooms = c.classrooms().stream().map(r -> registry.classroom(r.classroomId()).map(t::classroom).orElse(r.classroomId())
                    + " " + t.verdict(r.verdict())).collect(Collectors.joining(" · "));
            history.add(new SessionView.CheckRow(MDHM.format(c.checkedAt().atZone(zone)), TodayPages.trigger(t, c.trigger()),
                    c.verdict().name(), t.verdict(c.verdict()), rooms));
        }
        List<SessionView.IncidentRow> incidents = new ArrayList<>();
        for (Incident i : d.incidents()) {
            incidents.add(new SessionView.IncidentRow(registry.classroom(i.classroomId()).map(t::classroom).orElse(i.classroomId()),
                    i.code().name(), i.message(), MDHM.format(i.start().atZone(zone)),
                    i.end() == null ? t.t("box.incident.open") : MDHM.format(i.end().atZone(zone)), i.end() == null));
        }
        return new SessionView(s.id(), s.subject(), s.teacher(), s.kind() == null ? "" : s.kind().label(),
                s.start().atZone(zone).toLocalDate().toString(), HM.format(s.start().atZone(zone)), HM.format(s.end().atZone(zone)),
                state, t.t("today.state." + state), readiness(t, d.latest(), state), history, incidents, canCheck);
    }

    SessionView.Readiness readiness(Texts t, SessionReadiness r, String state) {
        List<SessionView.Room> rooms = new ArrayList<>();
        for (ClassroomReadiness c : r.classrooms()) {
            List<SessionView.Why> reasons = new ArrayList<>();
            for (Reason why : c.reasons()) {
                String data = why.data().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · "));
                reasons.add(new SessionView.Why(why.code().name(), why.severity().name(), t.reason(why), data));
            }
            String school = c.schoolId() == null ? "" : registry.school(c.schoolId()).map(t::school).orElse(c.schoolId());
            rooms.add(new SessionView.Room(c.classroomId(), registry.classroom(c.classroomId()).map(t::classroom).orElse(c.classroomId()),
                    school, t.t(c.role() == ClassroomReadiness.Role.LEAD ? "role.lead" : "role.remote"), c.boxId(), c.verdict().name(),
                    t.verdict(c.verdict()), reasons, c.statusAt() == null ? "—" : MDHM.format(c.statusAt().atZone(zone)),
                    c.selftest() == null ? "—" : t.t("selftest." + c.selftest().name())));
        }
        return new SessionView.Readiness(r.verdict().name(), t.verdict(r.verdict()), TodayPages.checkText(t, r, state, zone), rooms);
    }

}
