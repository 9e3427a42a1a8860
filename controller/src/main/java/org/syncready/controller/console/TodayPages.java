package org.syncready.controller.console;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.Policy;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.fleet.School;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.DayBoard;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.SyncSession;

/**
 * Today: the home page of every role. The day's board ({@link DayBoard}, the code behind
 * {@code GET /api/v1/readiness}) for the caller's schools, one time line per school.
 */
public final class TodayPages implements PageGroup {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    /** How far past midnight Today looks for the next classes. */
    static final java.time.Duration LOOKAHEAD = java.time.Duration.ofHours(3);

    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final DayBoard board;
    private ConsoleRouter router;

    public TodayPages(FleetRegistry registry, LiveFleet fleet, DayBoard board) {
        this.registry = registry;
        this.fleet = fleet;
        this.board = board;
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("today", "nav.today", ConsoleRoutes.HOME, EnumSet.allOf(Role.class), 10));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        router.page(ConsoleRoutes.HOME, Policy.anyRole(), this::today);
    }

    private void today(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        boolean onlyProblems = "1".equals(ApiContext.param(ctx, "problems"));
        LocalDate date = board.today();
        // The same scope as the API's board: a session is the caller's when one of its classrooms is in their schools.
        // Late in the evening the next classes are tomorrow's: the next hours are shown too.
        Instant horizon = board.clock().instant().plus(LOOKAHEAD);
        // Just after midnight a class that began yesterday may still be on: it is shown too.
        Instant now = board.clock().instant();
        List<SyncSession> day = new ArrayList<>(board.sessions(date.minusDays(1), s -> s.end().isAfter(now) && p.seesAny(schoolsOf(s))));
        day.addAll(board.sessions(date, s -> p.seesAny(schoolsOf(s))));
        day.addAll(board.sessions(date.plusDays(1), s -> s.start().isBefore(horizon) && p.seesAny(schoolsOf(s))));
        router.blocking(ctx, () -> board.verdicts(day), verdicts -> {
            Texts t = ConsoleRouter.texts(ctx);
            TodayView view = view(p, t, date, day, verdicts, onlyProblems);
            router.render(ctx, "today.jte", ConsoleRouter.params("f", router.frame(ctx, "today", t.t("today.title")), "v", view));
        });
    }

    TodayView view(Principal p, Texts t, LocalDate date, List<SyncSession> day, Map<String, SessionReadiness> verdicts,
                   boolean onlyProblems) {
        ZoneId zone = board.zone();
        Instant now = board.clock().instant();
        Map<String, Box> boxOf = new HashMap<>();
        registry.boxes().forEach(b -> boxOf.putIfAbsent(b.classroomId(), b));
        List<TodayView.SchoolDay> schools = new ArrayList<>();
        for (School school : registry.schools()) {
            if (!p.sees(school.id())) {
                continue;
            }
            List<Classroom> rooms = registry.classrooms(school.id());
            Set<String> roomIds = rooms.stream().map(Classroom::id).collect(Collectors.toSet());
            List<SyncSession> ours = day.stream().filter(s -> s.classroomIds().stream().anyMatch(roomIds::contains)).toList();
            int ready = 0;
            int atRisk = 0;
            int notReady = 0;
            int unknown = 0;
            int offline = 0;
            for (Classroom c : rooms) {
                Box box = boxOf.get(c.id());
                boolean online = box != null && fleet.snapshot(box.id()).map(sn -> sn.presence() == Presence.ONLINE).orElse(false);
                if (!online) {
                    offline++;
                    continue;
                }
                switch (roomVerdict(c.id(), ours, verdicts, now)) {
                    case READY -> ready++;
                    case AT_RISK -> atRisk++;
                    case NOT_READY -> notReady++;
                    case UNKNOWN -> unknown++;
                }
            }
            List<TodayView.SessionRow> rows = new ArrayList<>();
            List<TodayView.SessionRow> past = new ArrayList<>();
            int hidden = 0;
            for (SyncSession s : ours) {
                TodayView.SessionRow row = row(t, s, verdicts.get(s.id()), roomIds, now, zone, date);
                if (onlyProblems && (row.state().equals("past") || row.verdict().equals(Verdict.READY.name()))) {
                    hidden++;
                } else if (row.state().equals("past")) {
                    past.add(row);
                } else {
                    rows.add(row);
                }
            }
            schools.add(new TodayView.SchoolDay(school.id(), t.school(school), rooms.size(), ready, atRisk, notReady, unknown, offline,
                    rows, past, hidden));
        }
        Instant next = board.nextCheck(day);
        return new TodayView(date.toString(), HM.format(now.atZone(zone)), next == null ? null : HM.format(next.atZone(zone)),
                onlyProblems, schools);
    }

    /** A classroom's verdict now: in its session running now or next today, else its last one today; UNKNOWN without any. */
    private static Verdict roomVerdict(String classroomId, List<SyncSession> day, Map<String, SessionReadiness> verdicts, Instant now) {
        SyncSession pick = null;
        for (SyncSession s : day) {
            if (!s.classroomIds().contains(classroomId)) {
                continue;
            }
            if (s.end().isAfter(now)) {
                pick = s;
                break;
            }
            pick = s;
        }
        if (pick == null) {
            return Verdict.UNKNOWN;
        }
        return Optional.ofNullable(verdicts.get(pick.id())).flatMap(r -> r.classrooms().stream()
                .filter(c -> c.classroomId().equals(classroomId)).findFirst()).map(ClassroomReadiness::verdict).orElse(Verdict.UNKNOWN);
    }

    private TodayView.SessionRow row(Texts t, SyncSession s, SessionReadiness r, Set<String> roomIds, Instant now, ZoneId zone,
                                     LocalDate date) {
        List<TodayView.RoomRow> rooms = new ArrayList<>();
        Verdict worst = null;
        if (r != null) {
            for (ClassroomReadiness c : r.classrooms()) {
                boolean ours = roomIds.contains(c.classroomId());
                String name = registry.classroom(c.classroomId()).map(t::classroom).orElse(c.classroomId());
                rooms.add(new TodayView.RoomRow(c.classroomId(), name, t.t(c.role() == ClassroomReadiness.Role.LEAD ? "role.lead" : "role.remote"),
                        c.boxId(), c.verdict().name(), t.verdict(c.verdict()),
                        ours ? c.reasons().stream().map(t::reason).toList() : List.of(), ours));
                if (ours && (worst == null || severity(c.verdict()) > severity(worst))) {
                    worst = c.verdict();
                }
            }
        }
        Verdict v = worst == null ? Verdict.UNKNOWN : worst;
        String state = !s.end().isAfter(now) ? "past" : s.runningAt(now) ? "now" : "next";
        String role = roomIds.contains(s.leadClassroomId()) ? t.t("role.lead") : t.t("role.remote");
        LocalDate on = s.start().atZone(zone).toLocalDate();
        String start = (on.isAfter(date) ? t.t("today.tomorrow") + " " : on.isBefore(date) ? t.t("today.yesterday") + " " : "")
                + HM.format(s.start().atZone(zone));
        return new TodayView.SessionRow(s.id(), start, HM.format(s.end().atZone(zone)), s.subject(),
                s.teacher(), role, v.name(), t.verdict(v), state, t.t("today.state." + state), checkText(t, r, state, zone), rooms);
    }

    /** When and how the verdict was made, said plainly: a past session never checked, a session not checked yet. */
    static String checkText(Texts t, SessionReadiness r, String state, ZoneId zone) {
        if (r == null || DayBoard.NOT_CHECKED.equals(r.trigger())) {
            return t.t("today.check.none");
        }
        if ("preview".equals(r.trigger())) {
            return t.t("today.check.preview");
        }
        return t.t("today.check.at", HM.format(r.checkedAt().atZone(zone)), trigger(t, r.trigger()));
    }

    static String trigger(Texts t, String trigger) {
        return switch (trigger) {
            case "T-30", "T-5", "T-10", "T-15", "T-60" -> trigger;
            case "on-demand" -> t.t("trigger.on-demand");
            case "in-session" -> t.t("trigger.in-session");
            case "live" -> t.t("trigger.live");
            default -> trigger;
        };
    }

    /** NOT_READY is worst, then UNKNOWN (nobody knows), then AT_RISK (as the API's board). */
    static int severity(Verdict v) {
        return switch (v) {
            case READY -> 0;
            case AT_RISK -> 1;
            case UNKNOWN -> 2;
            case NOT_READY -> 3;
        };
    }

    private Set<String> schoolsOf(SyncSession s) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String c : s.classroomIds()) {
            registry.schoolOfClassroom(c).ifPresent(out::add);
        }
        return out;
    }
}
