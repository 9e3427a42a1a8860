package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.DayBoard;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.ReadinessChecks;
import org.syncready.controller.readiness.ReadinessReport;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/** Readiness: a session's verdict and incidents, checks on demand, the day's board, the bureau's report. */
public final class ReadinessRoutes implements RouteGroup {
    private static final Duration MAX_REPORT_SPAN = Duration.ofDays(366);

    private final SessionStore sessions;
    private final FleetRegistry registry;
    private final ReadinessChecks checks;
    private final CheckStore store;
    private final ReadinessReport report;
    private final DayBoard board;
    private final SessionRoutes sessionView;
    private final ZonedTimes times;
    private final Clock clock;
    private ApiContext api;

    public ReadinessRoutes(SessionStore sessions, FleetRegistry registry, ReadinessChecks checks, CheckStore store,
                           SessionRoutes sessionView, java.time.ZoneId zone, Clock clock) {
        this.sessions = sessions;
        this.registry = registry;
        this.checks = checks;
        this.store = store;
        this.report = new ReadinessReport(sessions, store);
        this.board = new DayBoard(sessions, checks, store, clock, zone);
        this.sessionView = sessionView;
        this.times = new ZonedTimes(zone);
        this.clock = clock;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        SchoolsOf sessionInPath = Scopes.session(registry, sessions, Scopes.path("id"));
        routes.get("/api/v1/sessions/:id/readiness", Policy.anyRole().inAnySchoolOf(sessionInPath), this::sessionReadiness);
        routes.post("/api/v1/sessions/:id/check", Policy.roles(Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN)
                .inAnySchoolOf(sessionInPath).audited("readiness.check"), this::check);
        routes.get("/api/v1/readiness", Policy.anyRole().inAnySchoolOf(Scopes.school(registry, Scopes.query("school"))), this::board);
        routes.get("/api/v1/reports/readiness", Policy.anyRole(), this::report);
    }

    /** A session's freshest verdict (or a preview when it was never checked), its last stored check and its incidents. */
    private record SessionView(SessionReadiness readiness, SessionReadiness lastCheck, List<Incident> incidents) {
    }

    private void sessionReadiness(RoutingContext ctx) {
        SyncSession s = require(ctx.pathParam("id"));
        api.blocking(ctx, () -> new SessionView(checks.latest(s.id()).orElseGet(() -> checks.preview(s)),
                        checks.lastCheck(s.id()).orElse(null), store.incidents(s.id())),
                v -> {
                    ObjectNode out = sessionView.node(s);
                    out.put("asOf", times.format(clock.instant()));
                    out.set("readiness", api.json().valueToTree(v.readiness()));
                    out.set("lastCheck", api.json().valueToTree(v.lastCheck()));
                    out.set("incidents", api.json().valueToTree(v.incidents()));
                    return out;
                });
    }

    private void check(RoutingContext ctx) {
        SyncSession s = require(ctx.pathParam("id"));
        ApiContext.auditTarget(ctx, "session " + s.id() + ": self-tests of its online boxes");
        checks.checkNow(s).whenComplete((r, e) -> ctx.vertx().runOnContext(v -> {
            if (e != null) {
                ctx.fail(e);
            } else {
                ObjectNode out = sessionView.node(s);
                out.set("readiness", api.json().valueToTree(r));
                ApiContext.auditDetail(ctx, "verdict " + r.verdict());
                api.send(ctx, 200, out);
            }
        }));
    }

    /** The day's sessions with their latest verdict; sessions not checked yet get a preview from live state. */
    /** The day's sessions' verdicts and their in-class incidents, by session id. */
    private record Day(Map<String, SessionReadiness> latest, Map<String, List<Incident>> incidents) {
    }

    private void board(RoutingContext ctx) {
        LocalDate date = param(ctx, "date") == null ? LocalDate.now(clock.withZone(times.zone())) : times.date(param(ctx, "date"), "date");
        String school = param(ctx, "school");
        if (school != null && registry.school(school).isEmpty()) {
            throw ApiException.notFound("no school '" + school + "'");
        }
        Principal caller = ApiContext.principal(ctx);
        List<SyncSession> day = board.sessions(date, s -> caller.seesAny(Scopes.schools(registry, s))
                && (school == null || s.classroomIds().stream().anyMatch(c -> school.equals(schoolOf(c)))));
        // Stored checks and previews are both made on a worker: a district's day is thousands of sessions.
        api.blocking(ctx, () -> new Day(board.verdicts(day), board.incidents(day)), found -> {
            Map<String, SessionReadiness> latest = found.latest();
            ObjectNode out = api.json().createObjectNode().put("date", date.toString()).put("timeZone", times.zone().getId())
                    .put("asOf", times.format(clock.instant()));
            Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
            ArrayNode items = out.putArray("sessions");
            for (SyncSession s : day) {
                ObjectNode item = sessionView.node(s);
                boardEntry(item, s, latest.get(s.id()), school, counts);
                ArrayNode inClass = item.putArray("incidents");
                for (Incident i : found.incidents().getOrDefault(s.id(), List.of())) {
                    if (school == null || school.equals(schoolOf(i.classroomId()))) {
                        inClass.add(api.json().valueToTree(i));
                    }
                }
                items.add(item);
            }
            if (school != null) {
                registry.school(school).ifPresent(x -> out.putObject("school").put("id", x.id()).put("nameZh", x.nameZh())
                        .put("nameEn", x.nameEn()));
            }
            ObjectNode c = out.putObject("counts");
            for (Verdict v : Verdict.values()) {
                c.put(v.name(), counts.getOrDefault(v, 0));
            }
            return out;
        });
    }

    private void report(RoutingContext ctx) {
        Instant[] window = reportWindow(param(ctx, "from") == null ? null : times.parse(param(ctx, "from"), "from"),
                param(ctx, "to") == null ? null : times.parse(param(ctx, "to"), "to"));
        Instant from = window[0];
        Instant to = window[1];
        String group = param(ctx, "groupBy") == null ? "school" : param(ctx, "groupBy");
        ReadinessReport.GroupBy groupBy = switch (group) {
            case "school" -> ReadinessReport.GroupBy.SCHOOL;
            case "classroom" -> ReadinessReport.GroupBy.CLASSROOM;
            default -> throw ApiException.badRequest("'groupBy' must be school or classroom, was '" + group + "'");
        };
        String format = param(ctx, "format");
        if (format == null) {
            String accept = ctx.request().getHeader("accept");
            String a = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
            format = a.contains("text/csv") ? "csv" : a.contains(XLSX) ? "xlsx" : "json";
        }
        if (!List.of("json", "csv", "xlsx").contains(format)) {
            throw ApiException.badRequest("'format' must be json, csv or xlsx, was '" + format + "'");
        }
        String chosen = format;
        Principal caller = ApiContext.principal(ctx);
        api.vertx().executeBlocking(() -> {
            ReportSheet sheet = report(from, to, groupBy, caller).sheet();
            return switch (chosen) {
                case "csv" -> io.vertx.core.buffer.Buffer.buffer(sheet.csv());
                case "xlsx" -> io.vertx.core.buffer.Buffer.buffer(sheet.xlsx("readiness " + group));
                default -> {
                    ObjectNode out = api.json().createObjectNode().put("from", times.format(from)).put("to", times.format(to))
                            .put("groupBy", group);
                    out.set("rows", sheet.json(api.json()));
                    yield io.vertx.core.buffer.Buffer.buffer(api.json().writeValueAsBytes(out));
                }
            };
        }, false).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            String type = switch (chosen) {
                case "csv" -> "text/csv; charset=utf-8";
                case "xlsx" -> XLSX;
                default -> "application/json; charset=utf-8";
            };
            if (!chosen.equals("json")) {
                ctx.response().putHeader("content-disposition", "attachment; filename=\"readiness-" + group + "." + chosen + "\"");
            }
            ctx.response().putHeader("content-type", type).end(result.result());
        });
    }

    /**
     * The report window: {@code from} and {@code to} as given, or by default the last 7 days and today in the
     * bureau's zone; a 400 {@link ApiException} when it is empty or longer than 366 days.
     */
    public Instant[] reportWindow(Instant from, Instant to) {
        LocalDate today = LocalDate.now(clock.withZone(times.zone()));
        Instant f = from != null ? from : today.minusDays(7).atStartOfDay(times.zone()).toInstant();
        Instant t = to != null ? to : today.plusDays(1).atStartOfDay(times.zone()).toInstant();
        if (!t.isAfter(f)) {
            throw ApiException.badRequest("'from' must be before 'to'");
        }
        if (Duration.between(f, t).compareTo(MAX_REPORT_SPAN) > 0) {
            throw ApiException.badRequest("the report may span at most " + MAX_REPORT_SPAN.toDays() + " days");
        }
        return new Instant[] {f, t};
    }

    /** The readiness report of {@code GET /api/v1/reports/readiness} for a window ({@link #reportWindow}) and a caller. */
    public record Report(Instant from, Instant to, ReadinessReport.GroupBy groupBy, ReportSheet sheet) {
    }

    /**
     * The report over {@code [from, to)} as the caller may see it: each caller's report has only their schools'
     * rows (school-it and technician); the bureau sees all. Blocking: call it on a worker.
     */
    public Report report(Instant from, Instant to, ReadinessReport.GroupBy groupBy, Principal caller) {
        List<ReadinessReport.Row> rows = report.build(from, to, groupBy, this::schoolOf).stream()
                .filter(r -> caller.sees(groupBy == ReadinessReport.GroupBy.SCHOOL ? r.key() : schoolOf(r.key()))).toList();
        return new Report(from, to, groupBy, new ReportSheet(rows, groupBy, names()));
    }

    private static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private ReportSheet.Names names() {
        return new ReportSheet.Names() {
            @Override
            public org.syncready.controller.fleet.School school(String id) {
                return registry.school(id).orElse(null);
            }

            @Override
            public org.syncready.controller.fleet.Classroom classroom(String id) {
                return registry.classroom(id).orElse(null);
            }
        };
    }

    /**
     * One session of the day's board: its readiness with every classroom's names beside its id. With a
     * school filter only that school's classrooms are listed, {@code schoolVerdict} is theirs (the worst
     * of them), and {@code counts} counts that school's classrooms; otherwise it counts sessions.
     */
    private void boardEntry(ObjectNode item, SyncSession s, SessionReadiness r, String school, Map<Verdict, Integer> counts) {
        ObjectNode readiness = api.json().valueToTree(r);
        ArrayNode rooms = readiness.withArray("classrooms");
        ArrayNode kept = api.json().createArrayNode();
        Verdict schoolVerdict = null;
        for (com.fasterxml.jackson.databind.JsonNode node : rooms) {
            ObjectNode room = (ObjectNode) node;
            String schoolId = room.path("schoolId").asText(null);
            if (school != null && !school.equals(schoolId)) {
                continue;
            }
            registry.classroom(room.path("classroomId").asText()).ifPresent(c ->
                    room.put("classroomNameZh", c.nameZh()).put("classroomNameEn", c.nameEn()));
            if (schoolId != null) {
                registry.school(schoolId).ifPresent(x -> room.put("schoolNameZh", x.nameZh()).put("schoolNameEn", x.nameEn()));
            }
            if (school != null) {
                Verdict v = Verdict.valueOf(room.path("verdict").asText());
                counts.merge(v, 1, Integer::sum);
                schoolVerdict = schoolVerdict == null || severity(v) > severity(schoolVerdict) ? v : schoolVerdict;
            }
            kept.add(room);
        }
        if (school != null && kept.isEmpty()) {
            // Not checked (a session that is over): the school's classrooms are unknown, and counted so.
            for (String c : s.classroomIds()) {
                if (school.equals(schoolOf(c))) {
                    counts.merge(Verdict.UNKNOWN, 1, Integer::sum);
                    schoolVerdict = Verdict.UNKNOWN;
                }
            }
        }
        readiness.set("classrooms", kept);
        if (school == null) {
            counts.merge(r.verdict(), 1, Integer::sum);
        } else {
            readiness.put("schoolVerdict", schoolVerdict == null ? null : schoolVerdict.name());
        }
        item.set("readiness", readiness);
    }

    /** NOT_READY is worst, then UNKNOWN (nobody knows), then AT_RISK. */
    private static int severity(Verdict v) {
        return switch (v) {
            case READY -> 0;
            case AT_RISK -> 1;
            case UNKNOWN -> 2;
            case NOT_READY -> 3;
        };
    }

    private SyncSession require(String id) {
        return sessions.get(id).orElseThrow(() -> ApiException.notFound("no session '" + id + "'"));
    }

    private String schoolOf(String classroomId) {
        return registry.schoolOfClassroom(classroomId).orElse(null);
    }

}
