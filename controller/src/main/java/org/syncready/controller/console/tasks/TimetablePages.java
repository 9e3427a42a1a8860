package org.syncready.controller.console.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.ApiContext;
import org.syncready.controller.api.ApiException;
import org.syncready.controller.api.Policy;
import org.syncready.controller.api.SchoolsOf;
import org.syncready.controller.api.Scopes;
import org.syncready.controller.api.SessionRoutes;
import org.syncready.controller.api.TimetableRoutes;
import org.syncready.controller.console.ConsoleRouter;
import org.syncready.controller.console.NavItem;
import org.syncready.controller.console.PageGroup;
import org.syncready.controller.console.Texts;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.schedule.ImportError;
import org.syncready.controller.schedule.ImportPlan;
import org.syncready.controller.schedule.ImportResult;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.controller.schedule.TermCalendar;
import org.syncready.controller.schedule.TermStore;

/**
 * Timetable: upload a CSV or iCalendar file, see the dry run (sessions to add and change, errors by line)
 * and confirm it; the coming sessions, each editable or deletable by the staff of its lead classroom's
 * school; the term calendars (holidays, make-up days, periods), which an admin may put as JSON. The same
 * policies and code as {@code POST /api/v1/sessions/import}, {@code PUT/DELETE /api/v1/sessions/{id}} and
 * {@code POST /api/v1/terms}.
 */
public final class TimetablePages implements PageGroup {
    /** As the API's import: a district's timetable is tens of KB; read in memory, never stored. */
    static final long IMPORT_LIMIT = 4L * 1024 * 1024;
    private static final int SHOWN_CHANGES = 200;
    private static final int WINDOW_DAYS = 7;
    /** Sessions listed at most (a week of one school is a few dozen; of a whole district, thousands). */
    private static final int SHOWN_SESSIONS = 300;

    private final TimetableRoutes timetable;
    private final SessionRoutes sessionRoutes;
    private final SessionStore sessions;
    private final TermStore terms;
    private final FleetRegistry registry;
    private final Times times;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final RoomNames names;
    private ConsoleRouter router;

    public TimetablePages(TimetableRoutes timetable, SessionRoutes sessionRoutes, SessionStore sessions, TermStore terms,
                          FleetRegistry registry, java.time.ZoneId zone, Clock clock) {
        this.timetable = timetable;
        this.sessionRoutes = sessionRoutes;
        this.sessions = sessions;
        this.terms = terms;
        this.registry = registry;
        this.times = new Times(zone);
        this.clock = clock;
        this.names = new RoomNames(registry);
    }

    @Override
    public List<NavItem> nav() {
        return List.of(new NavItem("timetable", "nav.timetable", "/console/timetable", EnumSet.of(Role.ADMIN, Role.SCHOOL_IT), 50));
    }

    @Override
    public void mountUploads(ConsoleRouter router) {
        this.router = router;
        // As POST /api/v1/sessions/import: admins and school IT; the file's lead classrooms must be in their schools.
        router.upload("/console/timetable/import", Policy.roles(Role.ADMIN, Role.SCHOOL_IT).audited("timetable.import"),
                IMPORT_LIMIT, this::importFile);
    }

    @Override
    public void mount(ConsoleRouter router) {
        this.router = router;
        SchoolsOf leadOfPath = Scopes.sessionLead(registry, sessions, Scopes.path("id"));
        SchoolsOf leadInForm = Scopes.classroom(registry, Scopes.formField("leadClassroomId"));
        router.page("/console/timetable", Policy.roles(Role.ADMIN, Role.SCHOOL_IT), this::page);
        router.page("/console/timetable/sessions/:id", Policy.roles(Role.ADMIN, Role.SCHOOL_IT).inEverySchoolOf(leadOfPath),
                this::editPage);
        router.action(HttpMethod.POST, "/console/timetable/sessions/:id", Policy.roles(Role.ADMIN, Role.SCHOOL_IT)
                .inEverySchoolOf(leadOfPath).inEverySchoolOf(leadInForm).audited("session.update"), this::update);
        router.action(HttpMethod.POST, "/console/timetable/sessions/:id/delete", Policy.roles(Role.ADMIN, Role.SCHOOL_IT)
                .inEverySchoolOf(leadOfPath).audited("session.delete"), this::delete);
        router.page("/console/terms", Policy.anyRole(), this::termsPage);
        router.action(HttpMethod.POST, "/console/terms", Policy.roles(Role.ADMIN).audited("term.put"), this::putTerm);
    }

    // ------------------------------------------------------------------ views

    /** The timetable page: the upload form and the sessions of a week. */
    public record TimetableView(List<Option> terms, String from, String to, String previous, String next, List<Option> schools,
                                String school, List<SessionRow> sessions, int more, String notice) {
    }

    /** One option of a select. */
    public record Option(String value, String label, boolean selected) {
    }

    /** A session as the list shows it; {@code editable}: its lead classroom is in the caller's schools. */
    public record SessionRow(String id, String date, String weekday, String start, String end, String subject, String teacher,
                             String kind, String lead, String remotes, boolean editable) {
    }

    /**
     * What an upload read and would change (a dry run) or changed; or why it was refused.
     *
     * @param confirm the file's SHA-256, sent back by the confirm button (a file changed since its dry run is checked again)
     */
    public record ImportView(boolean dryRun, String format, String term, int read, int create, int update, int unchanged,
                             List<ImportError> errors, int errorCount, boolean errorsTruncated, List<ChangeRow> changes,
                             boolean changesTruncated, String confirm, String notice, Failure failure) {
        public boolean hasChanges() {
            return create + update > 0;
        }
    }

    /** One session the import adds or changes; {@code before} is the stored session's time and subject for a change. */
    public record ChangeRow(String action, String when, String subject, String teacher, String kind, String lead, String remotes,
                            String before) {
    }

    /** The edit form of one session. */
    public record SessionForm(String id, List<Option> leads, String remotes, String subject, String teacher, List<Option> kinds,
                              String date, String start, String end, String saved, Failure failure) {
    }

    /** The term calendars; an admin also gets the form to put one. */
    public record TermsView(List<TermView> terms, boolean canEdit, String json, String saved, Failure failure) {
    }

    /** One term: dates, holidays, make-up days, periods, and its months day by day. */
    public record TermView(String id, String name, String zone, String firstDay, String lastDay, int teachingDays,
                           List<String> holidays, List<String> makeUpDays, List<String> periods, List<MonthView> months) {
    }

    /** One month of a term, Monday first. */
    public record MonthView(String title, List<List<DayCell>> weeks) {
    }

    /**
     * One day: {@code kind} is {@code none} (padding), {@code outside} the term, {@code school}, {@code weekend}
     * (no lessons), {@code holiday} or {@code makeup}; {@code title} says why.
     */
    public record DayCell(String day, String kind, String title) {
    }

    // ------------------------------------------------------------------ the page and its sessions

    private void page(RoutingContext ctx) {
        Principal p = ConsoleRouter.principal(ctx);
        Texts t = ConsoleRouter.texts(ctx);
        LocalDate today = LocalDate.now(clock.withZone(times.zone()));
        LocalDate from = Times.parseDate(ApiContext.param(ctx, "from"));
        LocalDate start = from == null ? today : from;
        LocalDate end = start.plusDays(WINDOW_DAYS);
        // A school (of the caller's) narrows the list: a district's week is thousands of sessions.
        String school = ApiContext.param(ctx, "school");
        String only = school != null && p.sees(school) && registry.school(school).isPresent() ? school : null;
        List<SessionRow> rows = new ArrayList<>();
        int more = 0;
        for (SyncSession s : sessions.overlapping(times.startOf(start), times.startOf(end))) {
            Set<String> of = Scopes.schools(registry, s);
            if (p.seesAny(of) && (only == null || of.contains(only))) {
                if (rows.size() < SHOWN_SESSIONS) {
                    rows.add(row(t, s, p));
                } else {
                    more++;
                }
            }
        }
        List<Option> schools = registry.schools().stream().filter(x -> p.sees(x.id()))
                .map(x -> new Option(x.id(), t.school(x), x.id().equals(only))).toList();
        String notice = ApiContext.param(ctx, "deleted") != null ? t.t("timetable.deleted") : null;
        TimetableView v = new TimetableView(termOptions(ApiContext.param(ctx, "term")), start.toString(), end.minusDays(1).toString(),
                start.minusDays(WINDOW_DAYS).toString(), end.toString(), schools, only == null ? "" : only, rows, more, notice);
        router.render(ctx, "tasks/timetable.jte", ConsoleRouter.params("f", router.frame(ctx, "timetable", t.t("timetable.title")), "v", v));
    }

    private List<Option> termOptions(String selected) {
        List<TermCalendar> all = new ArrayList<>(terms.list());
        all.sort(Comparator.comparing(TermCalendar::firstDay).reversed());
        String pick = selected != null ? selected : all.isEmpty() ? null : all.get(0).id();
        return all.stream().map(term -> new Option(term.id(), term.name() + " (" + term.firstDay() + " – " + term.lastDay() + ")",
                term.id().equals(pick))).toList();
    }

    private SessionRow row(Texts t, SyncSession s, Principal p) {
        LocalDate day = times.date(s.start());
        boolean editable = p.sees(registry.schoolOfClassroom(s.leadClassroomId()).orElse(null));
        return new SessionRow(s.id(), day.toString(), weekday(t, day.getDayOfWeek()), times.time(s.start()), times.time(s.end()),
                s.subject(), s.teacher(), kind(t, s.kind()), classroomName(t, s.leadClassroomId()),
                String.join("、", s.remoteClassroomIds().stream().map(c -> classroomName(t, c)).toList()), editable);
    }

    private String classroomName(Texts t, String id) {
        return names.full(t, id);
    }

    static String weekday(Texts t, DayOfWeek d) {
        return d.getDisplayName(TextStyle.SHORT, t.lang().locale());
    }

    static String kind(Texts t, SessionKind k) {
        return t.t("timetable.kind." + (k == null ? SessionKind.LIVE : k).label());
    }

    // ------------------------------------------------------------------ import

    private void importFile(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        Principal caller = ConsoleRouter.principal(ctx);
        FormInput form = FormInput.of(ctx);
        byte[] content = ApiContext.bytes(ctx);
        String sha = sha256(content);
        String confirm = form.get("confirm");
        // A confirm names the file its dry run read: the same file is imported, a changed one is checked again first.
        boolean apply = confirm != null && confirm.equals(sha);
        String notice = confirm != null && !apply ? t.t("timetable.import.changed") : null;
        String format = form.get("format");
        TimetableRoutes.Prepared prepared;
        try {
            prepared = timetable.prepare(content, new TimetableRoutes.ImportRequest("auto".equals(format) ? null : format, null,
                    !apply, form.checked("skipBadRows"), form.get("term"), form.get("from"), form.get("to"), form.get("lead"),
                    form.get("remotes")));
        } catch (ApiException e) {
            importFailed(ctx, Failure.of(e));
            return;
        }
        ApiContext.auditTarget(ctx, prepared.auditTarget());
        router.api().vertx().executeBlocking(() -> timetable.run(prepared, content, caller), false).onComplete(r -> {
            if (r.succeeded()) {
                router.render(ctx, 200, "tasks/importResult.jte", ConsoleRouter.params("f", router.frame(ctx, "timetable", ""),
                        "v", importView(t, r.result(), sha, notice)));
            } else if (r.cause() instanceof TimetableRoutes.ImportRefused refused) {
                ApiContext.refused(ctx, refused);
                ImportResult read = refused.read();
                router.render(ctx, refused.status(), "tasks/importResult.jte", ConsoleRouter.params("f", router.frame(ctx, "timetable", ""),
                        "v", new ImportView(prepared.dryRun(), prepared.format(), prepared.termId(), read.sessions().size(), 0, 0, 0,
                                read.errors(), read.errorCount(), read.errorCount() > read.errors().size(), List.of(), false, null, null,
                                Failure.of(refused.status(), t.t("timetable.import.refused", read.errorCount())))));
            } else {
                Failure f = Failure.of(r.cause());
                if (f == null) {
                    ctx.fail(r.cause());
                } else {
                    importFailed(ctx, f);
                }
            }
        });
    }

    private void importFailed(RoutingContext ctx, Failure f) {
        ApiContext.refused(ctx, f.asApiException());
        router.render(ctx, f.status(), "tasks/importResult.jte", ConsoleRouter.params("f", router.frame(ctx, "timetable", ""),
                "v", new ImportView(true, null, null, 0, 0, 0, 0, List.of(), 0, false, List.of(), false, null, null, f)));
    }

    private ImportView importView(Texts t, TimetableRoutes.ImportOutcome o, String sha, String notice) {
        ImportPlan plan = o.plan();
        List<ChangeRow> changes = new ArrayList<>();
        for (SessionDraft d : plan.create()) {
            if (changes.size() >= SHOWN_CHANGES) {
                break;
            }
            changes.add(change(t, "create", d, null));
        }
        for (ImportPlan.Update u : plan.update()) {
            if (changes.size() >= SHOWN_CHANGES) {
                break;
            }
            SyncSession b = u.before();
            changes.add(change(t, "update", u.after(), times.dateTime(b.start()) + "–" + times.time(b.end()) + " " + b.subject()
                    + (b.teacher() == null ? "" : " " + b.teacher())));
        }
        ImportResult read = o.read();
        boolean truncated = plan.create().size() + plan.update().size() > changes.size();
        String message = o.dryRun() ? notice : t.t("timetable.import.done", o.applied().size());
        return new ImportView(o.dryRun(), o.format(), o.termId(), read.sessions().size(), plan.create().size(), plan.update().size(),
                plan.unchanged(), read.errors(), read.errorCount(), read.errorCount() > read.errors().size(), changes, truncated,
                o.dryRun() ? sha : null, message, null);
    }

    private ChangeRow change(Texts t, String action, SessionDraft d, String before) {
        LocalDate day = times.date(d.start());
        return new ChangeRow(action, day + " " + weekday(t, day.getDayOfWeek()) + " " + times.time(d.start()) + "–" + times.time(d.end()),
                d.subject(), d.teacher(), kind(t, d.kind()), classroomName(t, d.leadClassroomId()),
                String.join("、", d.remoteClassroomIds().stream().map(c -> classroomName(t, c)).toList()), before);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ one session

    private void editPage(RoutingContext ctx) {
        SyncSession s = sessions.get(ctx.pathParam("id")).orElseThrow(() -> ApiException.notFound("no session '" + ctx.pathParam("id") + "'"));
        Texts t = ConsoleRouter.texts(ctx);
        LocalDate day = times.date(s.start());
        SessionForm form = new SessionForm(s.id(), leads(t, ConsoleRouter.principal(ctx), s.leadClassroomId()),
                String.join(", ", s.remoteClassroomIds()), s.subject(), s.teacher(), kinds(t, s.kind()), day.toString(),
                times.time(s.start()), times.time(s.end()), "1".equals(ApiContext.param(ctx, "saved")) ? t.t("timetable.session.saved") : null,
                null);
        renderSession(ctx, 200, t, form);
    }

    private void renderSession(RoutingContext ctx, int status, Texts t, SessionForm form) {
        router.render(ctx, status, "tasks/sessionEdit.jte", ConsoleRouter.params("f", router.frame(ctx, "timetable",
                t.t("timetable.session.title")), "v", form));
    }

    /** Lead classrooms the caller may choose: their schools' (an admin: every one), the current one first selected. */
    private List<Option> leads(Texts t, Principal p, String current) {
        List<Option> out = new ArrayList<>();
        for (Classroom c : registry.classrooms(null)) {
            if (p.sees(c.schoolId())) {
                out.add(new Option(c.id(), classroomName(t, c.id()), c.id().equals(current)));
            }
        }
        return out;
    }

    private static List<Option> kinds(Texts t, SessionKind current) {
        return java.util.Arrays.stream(SessionKind.values()).map(k -> new Option(k.label(), kind(t, k),
                k == (current == null ? SessionKind.LIVE : current))).toList();
    }

    private void update(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Texts t = ConsoleRouter.texts(ctx);
        FormInput form = FormInput.of(ctx);
        ApiContext.auditTarget(ctx, "session " + id);
        // The form becomes the API's JSON body and is read by the API's own code: the same checks, the same messages.
        ObjectNode body = json.createObjectNode();
        put(body, "leadClassroomId", form.get("leadClassroomId"));
        ArrayNode remotes = body.putArray("remoteClassroomIds");
        String remoteText = form.get("remoteClassroomIds");
        if (remoteText != null) {
            for (String r : remoteText.split("[,，;；、\\s]+")) {
                if (!r.isBlank()) {
                    remotes.add(r.strip());
                }
            }
        }
        put(body, "subject", form.get("subject"));
        put(body, "teacher", form.get("teacher"));
        put(body, "kind", form.get("kind"));
        String date = form.get("date");
        put(body, "start", date == null || form.get("start") == null ? null : date + "T" + form.get("start"));
        put(body, "end", date == null || form.get("end") == null ? null : date + "T" + form.get("end"));
        SessionForm again = new SessionForm(id, leads(t, ConsoleRouter.principal(ctx), form.get("leadClassroomId")),
                remoteText == null ? "" : remoteText, form.get("subject"), form.get("teacher"),
                kinds(t, SessionKind.parse(String.valueOf(form.get("kind"))).orElse(SessionKind.LIVE)), date, form.get("start"),
                form.get("end"), null, null);
        SessionDraft draft;
        try {
            draft = sessionRoutes.draft(body, "console");
        } catch (ApiException e) {
            sessionRefused(ctx, t, again, Failure.of(e));
            return;
        }
        router.api().vertx().executeBlocking(() -> sessions.update(id, draft), false).onComplete(r -> {
            if (r.succeeded()) {
                Redirect.to(ctx, "/console/timetable/sessions/" + Redirect.enc(id) + "?saved=1");
            } else {
                Failure f = Failure.of(r.cause());
                if (f == null) {
                    ctx.fail(r.cause());
                } else {
                    sessionRefused(ctx, t, again, f);
                }
            }
        });
    }

    private void sessionRefused(RoutingContext ctx, Texts t, SessionForm form, Failure f) {
        ApiContext.refused(ctx, f.asApiException());
        renderSession(ctx, f.status(), t, new SessionForm(form.id(), form.leads(), form.remotes(), form.subject(), form.teacher(),
                form.kinds(), form.date(), form.start(), form.end(), null, f));
    }

    private static void put(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ApiContext.auditTarget(ctx, "session " + id);
        sessions.get(id).ifPresent(s -> ApiContext.auditDetail(ctx, "deleted: " + s.subject() + " " + s.start() + "–" + s.end()
                + " lead " + s.leadClassroomId() + " remotes " + s.remoteClassroomIds()));
        LocalDate day = sessions.get(id).map(s -> times.date(s.start())).orElse(null);
        router.blocking(ctx, () -> {
            sessions.delete(id);
            return id;
        }, deleted -> Redirect.to(ctx, "/console/timetable?deleted=" + Redirect.enc(deleted) + (day == null ? "" : "&from=" + day)));
    }

    // ------------------------------------------------------------------ terms

    private void termsPage(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        String saved = ApiContext.param(ctx, "saved");
        renderTerms(ctx, 200, t, ConsoleRouter.principal(ctx), null, saved == null ? null : t.t("terms.saved", saved), null);
    }

    private void renderTerms(RoutingContext ctx, int status, Texts t, Principal p, String jsonText, String saved, Failure failure) {
        List<TermCalendar> all = new ArrayList<>(terms.list());
        all.sort(Comparator.comparing(TermCalendar::firstDay).reversed());
        List<TermView> views = all.stream().map(term -> termView(t, term)).toList();
        String example = jsonText != null ? jsonText : all.isEmpty() ? EXAMPLE_TERM : all.get(0).toJson(json).toPrettyString();
        router.render(ctx, status, "tasks/terms.jte", ConsoleRouter.params("f", router.frame(ctx, "timetable", t.t("terms.title")),
                "v", new TermsView(views, p.role() == Role.ADMIN, example, saved, failure)));
    }

    private static final String EXAMPLE_TERM = """
            {
              "id": "2026-autumn",
              "name": "2026–2027学年第一学期",
              "timeZone": "Asia/Shanghai",
              "firstDay": "2026-09-01",
              "lastDay": "2027-01-22",
              "holidays": ["2026-10-01..2026-10-07", "2027-01-01"],
              "makeUpDays": {"2026-10-10": "周三"},
              "periods": {
                "1": {"start": "08:00", "end": "08:45"},
                "2": {"start": "08:55", "end": "09:40"}
              }
            }""";

    private TermView termView(Texts t, TermCalendar term) {
        ObjectNode j = term.toJson(json);
        List<String> holidays = new ArrayList<>();
        j.path("holidays").forEach(h -> holidays.add(h.asText().replace("..", " – ")));
        List<String> makeUps = new ArrayList<>();
        term.makeUpDays().forEach((date, follows) -> makeUps.add(date + " " + weekday(t, date.getDayOfWeek()) + " → "
                + t.t("terms.follows", follows.getDisplayName(TextStyle.FULL, t.lang().locale()))));
        List<String> periods = new ArrayList<>();
        term.periods().forEach((n, time) -> periods.add(t.t("terms.period", n) + " " + time.start() + "–" + time.end()));
        int teaching = 0;
        for (LocalDate d = term.firstDay(); !d.isAfter(term.lastDay()); d = d.plusDays(1)) {
            if (term.isSchoolDay(d) && (term.makeUpDays().containsKey(d) || d.getDayOfWeek().getValue() <= 5)) {
                teaching++;
            }
        }
        return new TermView(term.id(), term.name(), term.zone().getId(), term.firstDay().toString(), term.lastDay().toString(), teaching,
                holidays, makeUps, periods, months(t, term));
    }

    private static List<MonthView> months(Texts t, TermCalendar term) {
        List<MonthView> out = new ArrayList<>();
        LocalDate month = term.firstDay().withDayOfMonth(1);
        while (!month.isAfter(term.lastDay())) {
            List<List<DayCell>> weeks = new ArrayList<>();
            List<DayCell> week = new ArrayList<>();
            for (int pad = 1; pad < month.getDayOfWeek().getValue(); pad++) {
                week.add(new DayCell("", "none", ""));
            }
            for (LocalDate d = month; d.getMonth() == month.getMonth(); d = d.plusDays(1)) {
                week.add(cell(t, term, d));
                if (week.size() == 7) {
                    weeks.add(week);
                    week = new ArrayList<>();
                }
            }
            if (!week.isEmpty()) {
                while (week.size() < 7) {
                    week.add(new DayCell("", "none", ""));
                }
                weeks.add(week);
            }
            out.add(new MonthView(t.lang().zh() ? month.getYear() + "年" + month.getMonthValue() + "月"
                    : month.getMonth().getDisplayName(TextStyle.FULL, t.lang().locale()) + " " + month.getYear(), weeks));
            month = month.plusMonths(1);
        }
        return out;
    }

    private static DayCell cell(Texts t, TermCalendar term, LocalDate d) {
        String day = Integer.toString(d.getDayOfMonth());
        if (d.isBefore(term.firstDay()) || d.isAfter(term.lastDay())) {
            return new DayCell(day, "outside", d.toString());
        }
        if (term.holidays().contains(d)) {
            return new DayCell(day, "holiday", d + " " + t.t("terms.holiday"));
        }
        DayOfWeek follows = term.makeUpDays().get(d);
        if (follows != null) {
            return new DayCell(day, "makeup", d + " " + t.t("terms.makeUp") + ": "
                    + t.t("terms.follows", follows.getDisplayName(TextStyle.FULL, t.lang().locale())));
        }
        if (d.getDayOfWeek().getValue() >= 6) {
            return new DayCell(day, "weekend", d.toString());
        }
        return new DayCell(day, "school", d.toString());
    }

    private void putTerm(RoutingContext ctx) {
        Texts t = ConsoleRouter.texts(ctx);
        Principal p = ConsoleRouter.principal(ctx);
        String text = FormInput.of(ctx).raw("json");
        TermCalendar term;
        try {
            // The API's own reader: every problem named by its field.
            term = TermCalendar.fromJson(json, text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
        } catch (TermCalendar.InvalidTermException e) {
            Failure f = new Failure(400, e.getMessage(), e.problems().stream().map(TermCalendar.Problem::toString).toList());
            ApiContext.refused(ctx, f.asApiException());
            renderTerms(ctx, 400, t, p, text, null, f);
            return;
        } catch (RuntimeException e) {
            Failure f = Failure.of(400, t.t("terms.notJson") + " " + e.getMessage());
            ApiContext.refused(ctx, f.asApiException());
            renderTerms(ctx, 400, t, p, text, null, f);
            return;
        }
        ApiContext.auditTarget(ctx, "term " + term.id());
        router.blocking(ctx, () -> terms.put(term), replaced -> Redirect.to(ctx, "/console/terms?saved=" + Redirect.enc(term.id())));
    }
}
