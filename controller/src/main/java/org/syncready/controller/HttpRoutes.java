package org.syncready.controller;

import java.util.List;
import org.syncready.controller.account.Accounts;
import org.syncready.controller.alert.Alerts;
import org.syncready.controller.api.AccountRoutes;
import org.syncready.controller.api.AlertRoutes;
import org.syncready.controller.api.AuditRoutes;
import org.syncready.controller.api.BoxConnectInfo;
import org.syncready.controller.api.EmqxHookRoutes;
import org.syncready.controller.api.EnrollmentRoutes;
import org.syncready.controller.api.FleetRoutes;
import org.syncready.controller.api.OpenApiRoutes;
import org.syncready.controller.api.ReadinessRoutes;
import org.syncready.controller.api.RolloutRoutes;
import org.syncready.controller.api.RouteGroup;
import org.syncready.controller.api.SelftestRoutes;
import org.syncready.controller.api.SessionRoutes;
import org.syncready.controller.api.SimulationRoutes;
import org.syncready.controller.api.SpeedtestRoutes;
import org.syncready.controller.api.TimetableRoutes;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.console.BoxCards;
import org.syncready.controller.console.BoxFeed;
import org.syncready.controller.console.BoxPages;
import org.syncready.controller.console.ConsoleRoutes;
import org.syncready.controller.console.SchoolPages;
import org.syncready.controller.console.SessionPages;
import org.syncready.controller.console.TodayPages;
import org.syncready.controller.console.tasks.AccountPages;
import org.syncready.controller.console.tasks.AuditPages;
import org.syncready.controller.console.tasks.ReportPages;
import org.syncready.controller.console.tasks.RolloutPages;
import org.syncready.controller.console.tasks.TimetablePages;
import org.syncready.controller.console.tasks.UserPages;
import org.syncready.controller.enroll.EnrollmentCodes;
import org.syncready.controller.fleet.BoxHistory;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.DayBoard;
import org.syncready.controller.readiness.ReadinessChecks;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.TermStore;

/**
 * Every route group the HTTP server mounts, the API's and the web console's, made in one place: the
 * console's pages use the same route groups' operations and services as {@code /api/v1}.
 */
final class HttpRoutes {

    /** The services the routes call. */
    record Parts(FleetRegistry registry, LiveFleet fleet, BoxHistory history, BoxConnectInfo connect, SessionStore sessions,
                 TermStore terms, ReadinessChecks readiness, CheckStore readinessStore, Rollouts rollouts, AuditLog audit,
                 Alerts alerts, Accounts accounts, ControllerMetrics metrics, EnrollmentCodes enrollment, BoxCommands commands,
                 BoxFeed boxFeed) {
    }

    private HttpRoutes() {
    }

    static List<RouteGroup> all(ControllerConfig config, Parts p) {
        SessionRoutes sessionRoutes = new SessionRoutes(p.sessions(), p.registry(), config.zone(), config.clock());
        SelftestRoutes selftestRoutes = new SelftestRoutes(p.registry(), p.fleet(), p.commands(), p.audit(), config.selftestTimeout());
        BoxCards boxCards = new BoxCards(p.registry(), p.fleet(), p.rollouts(), config.zone());
        TimetableRoutes timetableRoutes = new TimetableRoutes(p.sessions(), p.terms(), p.registry(), sessionRoutes, config.zone());
        ReadinessRoutes readinessRoutes = new ReadinessRoutes(p.sessions(), p.registry(), p.readiness(), p.readinessStore(), sessionRoutes, config.zone(),
                config.clock());
        RolloutRoutes rolloutRoutes = new RolloutRoutes(p.rollouts(), p.registry());
        return List.of(
                new FleetRoutes(p.registry(), p.fleet(), p.history(), p.connect()),
                sessionRoutes,
                timetableRoutes,
                readinessRoutes,
                rolloutRoutes,
                new AuditRoutes(p.audit()),
                new AlertRoutes(p.alerts(), p.audit(), p.registry()),
                new AccountRoutes(p.accounts(), p.audit(), p.metrics()),
                new EnrollmentRoutes(p.enrollment(), p.registry(), p.connect()),
                new SpeedtestRoutes(p.registry(), p.metrics(), SpeedtestRoutes.Limits.DEFAULT),
                // The authentication/authorization hook an external EMQX asks (off without its secret).
                new EmqxHookRoutes(config.emqxHookSecret(), p.registry(), p.metrics()),
                new SimulationRoutes(config.simulationAllowed(), p.registry(), p.fleet(), p.commands(), p.audit()),
                selftestRoutes,
                new OpenApiRoutes(),
                // The web console: pages on the same router and policies, calling the same services (docs/CONSOLE.md).
                // The one place page groups are registered.
                new ConsoleRoutes(p.registry(), List.of(
                        new TodayPages(p.registry(), p.fleet(), new DayBoard(p.sessions(), p.readiness(), p.readinessStore(), config.clock(), config.zone())),
                        new SchoolPages(p.registry(), boxCards),
                        new BoxPages(p.registry(), boxCards, p.boxFeed(), p.history(), p.sessions(), p.readinessStore(), selftestRoutes, p.commands()),
                        new SessionPages(p.sessions(), p.registry(), p.readiness(), p.readinessStore(), config.zone(), config.clock()),

                        // The task pages (console-tasks): the same route groups' operations and services as /api/v1.
                        new TimetablePages(timetableRoutes, sessionRoutes, p.sessions(), p.terms(), p.registry(), config.zone(), config.clock()),
                        new RolloutPages(rolloutRoutes, p.rollouts(), p.registry(), config.zone()),
                        new ReportPages(readinessRoutes, p.registry(), config.zone()),
                        new AuditPages(p.audit(), config.zone()),
                        new UserPages(p.accounts(), p.registry(), config.zone()),
                        new AccountPages(p.accounts(), p.registry(), config.zone()))));
    }
}
