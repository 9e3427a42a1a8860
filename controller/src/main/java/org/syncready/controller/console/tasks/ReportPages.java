package org.syncready.controller.console.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.ReadinessRoutes;
import org.syncready.controller.api.ReportSheet;
import org.syncready.controller.console.ConsoleRouter;
import org.syncready.controller.console.NavItem;
import org.syncready.controller.console.PageGroup;
import org.syncready.controller.console.Texts;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.readiness.ReadinessReport;

/**
 * Reports: readiness rate, sessions held without incident, unchecked sessions and minutes lost per school or
 * classroom over a date range, as a table and an ECharts chart, with the CSV and XLSX downloads of
 * {@code GET /api/v1/reports/readiness} (the same export, linked with the same window). The rows are that
 * route's ({@link ReadinessRoutes#report}): each caller sees their schools' rows.
 */
public final class ReportPages implements PageGroup {
    private final ReadinessRoutes readiness;
    private final Times times;
    private final ObjectMapper json = new ObjectMapper();
    private final RoomNames names;
    private ConsoleRouter router;

    public ReportPages(ReadinessRoutes readiness, FleetRegistry registry, java.time.ZoneId zone) {
        this.readiness = readiness;
        this.times = new Times(zone);
        this.names = new RoomNames(registry);
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("reports", "nav.reports", "/console/reports", EnumSet.allOf(Role.class), 70));
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        // As GET /api/v1/reports/readiness: every role, each seeing their schools' rows.
        router.page("/console/reports", Policy.anyRole(), this::page);
    }

    /**
     * The report page. {@code from} and {@code to} are the first and last day shown (inclusive); {@code chart}
     * is the chart's data as JSON (read by tasks.js; no inline script).
     */
    public record ReportView(String from, String to, String groupBy, boolean byClassroom, List<Row> rows, Totals totals,
                             String csvHref, String xlsxHref, String chart, Failure failure) {
    }

    /** One school or classroom; {@code rate} as a percentage text ({@code –} when nothing was checked). */
    public record Row(String key, String school, String classroom, int sessions, int checked, int unchecked, int ready, String rate,
                      int withoutIncident, int incidents, long minutesLost) {
    }

    /** The whole window over every row. */
    public record Totals(int sessions, int checked, int unchecked, int ready, String rate, int withoutIncident, int incidents,
                         long minutesLost) {
    }

    private void page(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        String groupBy = "classroom".equals(ApiContext.param(ctx, "groupBy")) ? "classroom" : "school";
        LocalDate fromDay = Times.parseDate(ApiContext.param(ctx, "from"));
        LocalDate toDay = Times.parseDate(ApiContext.param(ctx, "to"));
        Instant[] window;
        try {
            // The form's last day is inclusive; the API's window ends before 'to'.
            window = readiness.reportWindow(fromDay == null ? null : times.startOf(fromDay),
                    toDay == null ? null : times.startOf(toDay.plusDays(1)));
        } catch (ApiException e) {
            Failure f = Failure.of(e);
            ApiContext.refused(ctx, e);
            String from = fromDay == null ? "" : fromDay.toString();
            String to = toDay == null ? "" : toDay.toString();
            router.render(ctx, f.status(), "tasks/reports.jte", ConsoleRouter.params("f", router.frame(ctx, "reports", t.t("reports.title")),
                    "v", new ReportView(from, to, groupBy, groupBy.equals("classroom"), List.of(), null, null, null, "{}", f)));
            return;
        }
        ReadinessReport.GroupBy group = groupBy.equals("classroom") ? ReadinessReport.GroupBy.CLASSROOM : ReadinessReport.GroupBy.SCHOOL;
        router.blocking(ctx, () -> readiness.report(window[0], window[1], group, p), report -> {
            ReportView v = view(t, report, groupBy);
            router.render(ctx, "tasks/reports.jte", ConsoleRouter.params("f", router.frame(ctx, "reports", t.t("reports.title")), "v", v));
        });
    }

    private ReportView view(Texts t, ReadinessRoutes.Report report, String groupBy) {
        ReportSheet sheet = report.sheet();
        List<Row> rows = new ArrayList<>();
        int sessions = 0;
        int checked = 0;
        int unchecked = 0;
        int ready = 0;
        int clean = 0;
        int incidents = 0;
        long lost = 0;
        for (ReportSheet.Line l : sheet.lines()) {
            ReadinessReport.Row r = l.row();
            String school = l.school() == null ? l.schoolId() : t.school(l.school());
            String room = !sheet.byClassroom() ? null : l.classroom() == null ? l.classroomId() : names.room(t, l.classroomId());
            rows.add(new Row(r.key(), school, room, r.sessions(), r.checked(), r.unchecked(), r.ready(), percent(r.readinessRate()),
                    r.withoutIncident(), r.incidents(), r.minutesLost()));
            sessions += r.sessions();
            checked += r.checked();
            unchecked += r.unchecked();
            ready += r.ready();
            clean += r.withoutIncident();
            incidents += r.incidents();
            lost += r.minutesLost();
        }
        Totals totals = new Totals(sessions, checked, unchecked, ready, checked == 0 ? "–" : percent((double) ready / checked), clean,
                incidents, lost);
        String from = times.date(report.from()).toString();
        String to = times.date(report.to()).minusDays(1).toString();
        String query = "from=" + enc(from) + "&to=" + enc(times.date(report.to()).toString()) + "&groupBy=" + groupBy;
        return new ReportView(from, to, groupBy, sheet.byClassroom(), rows, totals, "/api/v1/reports/readiness?" + query + "&format=csv",
                "/api/v1/reports/readiness?" + query + "&format=xlsx", chart(t, rows), null);
    }

    /** The chart's data: a bar per row for the readiness rate, a line for the minutes lost. */
    private String chart(Texts t, List<Row> rows) {
        ObjectNode c = json.createObjectNode();
        c.put("locale", t.lang().zh() ? "ZH" : "EN");
        ArrayNode labels = c.putArray("labels");
        ArrayNode rate = c.putArray("rate");
        ArrayNode clean = c.putArray("withoutIncident");
        ArrayNode lost = c.putArray("minutesLost");
        for (Row r : rows) {
            labels.add(r.classroom() == null ? r.school() : r.school() + " " + r.classroom());
            if (r.checked() == 0) {
                rate.addNull();
            } else {
                rate.add(Math.round(1000.0 * r.ready() / r.checked()) / 10.0);
            }
            clean.add(r.withoutIncident());
            lost.add(r.minutesLost());
        }
        ObjectNode names = c.putObject("names");
        names.put("rate", t.t("reports.col.rate"));
        names.put("withoutIncident", t.t("reports.col.withoutIncident"));
        names.put("minutesLost", t.t("reports.col.minutesLost"));
        return c.toString();
    }

    static String percent(Double rate) {
        return rate == null ? "–" : String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
