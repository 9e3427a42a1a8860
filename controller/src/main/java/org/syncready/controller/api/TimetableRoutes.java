package org.syncready.controller.api;

import static org.syncready.controller.api.ApiContext.param;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.syncready.controller.account.Principal;
import org.syncready.controller.account.Role;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.schedule.ClassroomLookup;
import org.syncready.controller.schedule.CsvTimetable;
import org.syncready.controller.schedule.IcsTimetable;
import org.syncready.controller.schedule.ImportError;
import org.syncready.controller.schedule.ImportPlan;
import org.syncready.controller.schedule.ImportResult;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.controller.schedule.TermCalendar;
import org.syncready.controller.schedule.TermStore;

/**
 * Term calendars and timetable import (CSV or iCalendar). An import is all or nothing: a file with a
 * bad row imports nothing unless {@code skipBadRows=true}; {@code dryRun=true} says what would change.
 */
public final class TimetableRoutes implements RouteGroup {
    /**
     * A district's term timetable is tens of KB; a generous bound that still stops a runaway upload.
     * The file is read in memory (a form upload too), never stored on disk.
     */
    private static final long IMPORT_LIMIT = 4L * 1024 * 1024;
    private static final int SHOWN_CHANGES = 500;

    private final SessionStore sessions;
    private final TermStore terms;
    private final FleetRegistry registry;
    private final SessionRoutes sessionView;
    private final ZoneId zone;
    private final ZonedTimes times;
    private ApiContext api;

    public TimetableRoutes(SessionStore sessions, TermStore terms, FleetRegistry registry, SessionRoutes sessionView,
                           ZoneId zone) {
        this.sessions = sessions;
        this.terms = terms;
        this.registry = registry;
        this.sessionView = sessionView;
        this.zone = zone;
        this.times = new ZonedTimes(zone);
    }

    @Override
    public void mountStreaming(ApiRoutes routes, ApiContext api) {
        this.api = api;
        // The policy is checked before the body is read: nobody uploads 4 MiB without logging in.
        routes.post("/api/v1/sessions/import", Policy.roles(Role.ADMIN, Role.SCHOOL_IT).audited("timetable.import"),
                new RequestBody(IMPORT_LIMIT, true), this::importTimetable);
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        this.api = api;
        routes.get("/api/v1/terms", Policy.anyRole(), this::listTerms);
        routes.get("/api/v1/terms/:id", Policy.anyRole(), this::getTerm);
        routes.post("/api/v1/terms", Policy.roles(Role.ADMIN).audited("term.put"), this::putTerm);
    }

    private void listTerms(RoutingContext ctx) {
        ArrayNode out = api.json().createArrayNode();
        terms.list().forEach(t -> out.add(t.toJson(api.json())));
        api.send(ctx, 200, out);
    }

    private void getTerm(RoutingContext ctx) {
        TermCalendar t = terms.get(ctx.pathParam("id")).orElseThrow(() -> ApiException.notFound("no term '" + ctx.pathParam("id") + "'"));
        api.send(ctx, 200, t.toJson(api.json()));
    }

    private void putTerm(RoutingContext ctx) {
        TermCalendar term;
        try {
            term = TermCalendar.fromJson(api.json(), ApiContext.bytes(ctx));
        } catch (TermCalendar.InvalidTermException e) {
            ObjectNode body = api.json().createObjectNode().put("error", "invalid").put("message", e.getMessage());
            ArrayNode problems = body.putArray("problems");
            e.problems().forEach(p -> problems.addObject().put("field", p.field()).put("message", p.message()));
            api.send(ctx, 400, body);
            return;
        }
        ApiContext.auditTarget(ctx, "term " + term.id());
        api.blocking(ctx, () -> terms.put(term), replaced -> term.toJson(api.json()), 200);
    }

    private void importTimetable(RoutingContext ctx) {
        byte[] content = ApiContext.bytes(ctx);
        Prepared prepared = prepare(content, new ImportRequest(param(ctx, "format"), ctx.request().getHeader("content-type"),
                flag(ctx, "dryRun"), flag(ctx, "skipBadRows"), param(ctx, "term"), param(ctx, "from"), param(ctx, "to"),
                param(ctx, "lead"), param(ctx, "remotes")));
        Principal caller = ApiContext.principal(ctx);
        ApiContext.auditTarget(ctx, prepared.auditTarget());
        api.blocking(ctx, () -> run(prepared, content, caller),
                outcome -> render(outcome, outcome.format(), outcome.dryRun(), outcome.termId()));
    }

    /**
     * An import as asked for, in the API's words ({@code POST /api/v1/sessions/import}'s query parameters);
     * the web console's upload form asks the same.
     *
     * @param format      {@code csv}, {@code ics}, or null: from the content type, else the content
     * @param contentType the request's (or the uploaded file's) content type; may be null
     */
    public record ImportRequest(String format, String contentType, boolean dryRun, boolean skipBadRows, String termId,
                                String from, String to, String lead, String remotes) {
    }

    /** An import checked and ready to run: its format, term or window, and iCalendar defaults. */
    public record Prepared(String format, TermCalendar term, LocalDate from, LocalDate to, IcsTimetable.Defaults defaults,
                           boolean dryRun, boolean skipBadRows) {
        public String termId() {
            return term == null ? null : term.id();
        }

        /** What the audit entry names. */
        public String auditTarget() {
            return "timetable " + format + (term == null ? "" : " for term " + term.id()) + (dryRun ? " (dry run)" : "");
        }
    }

    /** What an import read, planned and (unless a dry run) stored. */
    public record ImportOutcome(String format, String termId, boolean dryRun, ImportResult read, ImportPlan plan,
                                List<SyncSession> applied) {
    }

    /**
     * Checks an import's parameters (not the file's rows): a 400 {@link ApiException} says what is wrong, a 404
     * an unknown term. Cheap: the registry and terms are in memory.
     */
    public Prepared prepare(byte[] content, ImportRequest r) {
        if (content.length == 0) {
            throw ApiException.badRequest("the body must be the timetable file (CSV or iCalendar)");
        }
        String format = format(r.format(), r.contentType(), content);
        String termId = r.termId();
        TermCalendar term = termId == null ? null : terms.get(termId).orElseThrow(() -> ApiException.notFound("no term '" + termId + "'"));
        if (term == null && format.equals("csv")) {
            throw ApiException.badRequest("'term' is required for CSV: weekly rows are expanded over a term's teaching days"
                    + " (create one with POST /api/v1/terms)");
        }
        LocalDate from = term != null || r.from() == null ? null : date(r.from(), "from");
        LocalDate to = term != null || r.to() == null ? null : date(r.to(), "to");
        if (term == null && (from == null || to == null)) {
            throw ApiException.badRequest("an iCalendar import needs 'term', or 'from' and 'to' dates to expand recurrences in");
        }
        IcsTimetable.Defaults defaults = icsDefaults(r.lead(), r.remotes(), classroomLookup(), format);
        return new Prepared(format, term, from, to, defaults, r.dryRun(), r.skipBadRows());
    }

    /**
     * Reads the file, refuses it when it has bad rows (unless skipping them: {@link ImportRefused} lists the first
     * errors by line), checks that the caller's schools lead every session in it, plans the changes against the
     * stored schedule and, unless a dry run, applies them. Blocking: call it on a worker.
     */
    public ImportOutcome run(Prepared p, byte[] content, Principal caller) {
        Predicate<String> exists = id -> registry.classroom(id).isPresent();
        ClassroomLookup lookup = classroomLookup();
        ImportResult read;
        if (p.format().equals("csv")) {
            read = CsvTimetable.read(content, p.term(), exists);
        } else if (p.term() != null) {
            read = IcsTimetable.read(content, p.term(), lookup, p.defaults());
        } else {
            try {
                read = IcsTimetable.read(content, zone, p.from(), p.to(), lookup, p.defaults());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        if (read.hasErrors() && !p.skipBadRows()) {
            throw new ImportRefused(read);
        }
        // A school's staff import their own schools' sessions: those their classrooms lead.
        for (SessionDraft d : read.sessions()) {
            if (!caller.sees(registry.schoolOfClassroom(d.leadClassroomId()).orElse(null))) {
                throw ApiException.notFound("no classroom '" + d.leadClassroomId() + "' (a lead classroom in the file)"
                        + " among your schools' classrooms; nothing was imported");
            }
        }
        ImportPlan plan = sessions.plan(read.sessions());
        List<SyncSession> applied = p.dryRun() ? List.of() : sessions.apply(plan);
        return new ImportOutcome(p.format(), p.termId(), p.dryRun(), read, plan, applied);
    }

    /**
     * Classrooms by what people type into a calendar: the id, the classroom's Chinese or English name,
     * or the school's name with it. A name shared by classrooms of several schools answers all of them.
     */
    private ClassroomLookup classroomLookup() {
        return text -> {
            String t = text == null ? "" : text.strip();
            if (t.isEmpty()) {
                return List.of();
            }
            if (registry.classroom(t).isPresent()) {
                return List.of(t);
            }
            String key = ClassroomLookup.key(t);
            if (key.isEmpty()) {
                return List.of();
            }
            List<String> found = new java.util.ArrayList<>();
            for (org.syncready.controller.fleet.Classroom c : registry.classrooms(null)) {
                String schoolZh = registry.school(c.schoolId()).map(org.syncready.controller.fleet.School::nameZh).orElse("");
                String schoolEn = registry.school(c.schoolId()).map(org.syncready.controller.fleet.School::nameEn).orElse("");
                if (key.equals(ClassroomLookup.key(c.id())) || key.equals(ClassroomLookup.key(c.nameZh()))
                        || key.equals(ClassroomLookup.key(c.nameEn())) || key.equals(ClassroomLookup.key(schoolZh + c.nameZh()))
                        || key.equals(ClassroomLookup.key(schoolEn + c.nameEn()))) {
                    found.add(c.id());
                }
            }
            return found;
        };
    }

    /** {@code lead} and {@code remotes} chosen at import for iCalendar events that name none (ids or names). */
    private static IcsTimetable.Defaults icsDefaults(String lead, String remotes, ClassroomLookup lookup, String format) {
        if (lead == null && remotes == null) {
            return IcsTimetable.Defaults.NONE;
        }
        if (!format.equals("ics")) {
            throw ApiException.badRequest("'lead' and 'remotes' apply to iCalendar imports; a CSV names its classrooms in its columns");
        }
        String leadId = lead == null ? null : oneClassroom(lookup, lead, "lead");
        List<String> remoteIds = new java.util.ArrayList<>();
        if (remotes != null) {
            for (String r : remotes.split("[,，;；|、]")) {
                if (!r.isBlank()) {
                    remoteIds.add(oneClassroom(lookup, r, "remotes"));
                }
            }
        }
        return new IcsTimetable.Defaults(leadId, remoteIds);
    }

    private static String oneClassroom(ClassroomLookup lookup, String text, String param) {
        List<String> found = lookup.find(text);
        if (found.size() != 1) {
            throw ApiException.badRequest("'" + param + "': " + (found.isEmpty() ? "unknown classroom '" + text.strip() + "'"
                    : "'" + text.strip() + "' names " + found.size() + " classrooms " + found + "; give the school's name with it, or the id"));
        }
        return found.get(0);
    }

    /** A file with bad rows: the first errors are listed with the total, nothing is stored. */
    public static final class ImportRefused extends ApiException {
        private final transient ImportResult read;

        ImportRefused(ImportResult read) {
            super(422, "invalid_file", read.errorCount() + " problem(s) in the file"
                    + (read.errorCount() > read.errors().size() ? ", the first " + read.errors().size() + " listed" : "")
                    + "; nothing was imported (fix them, or add skipBadRows=true to import the good rows)."
                    + " 文件有 " + read.errorCount() + " 处错误，未导入任何课程。");
            this.read = read;
        }

        /** What the file held: its good sessions, the first errors by line, and how many errors in all. */
        public ImportResult read() {
            return read;
        }

        @Override
        ObjectNode body(com.fasterxml.jackson.databind.ObjectMapper json) {
            ObjectNode body = super.body(json);
            putErrors(body, read);
            return body;
        }
    }

    /** {@code errors} (the first ones, in file order), {@code errorCount} (all) and {@code errorsTruncated}. */
    private static void putErrors(ObjectNode out, ImportResult read) {
        ArrayNode list = out.putArray("errors");
        for (ImportError e : read.errors()) {
            list.addObject().put("line", e.line()).put("field", e.field()).put("message", e.message());
        }
        out.put("errorCount", read.errorCount());
        out.put("errorsTruncated", read.errorCount() > read.errors().size());
    }

    private ObjectNode render(ImportOutcome o, String format, boolean dryRun, String termId) {
        ObjectNode out = api.json().createObjectNode().put("dryRun", dryRun).put("format", format).put("term", termId)
                .put("sessionsRead", o.read().sessions().size())
                .put("create", o.plan().create().size()).put("update", o.plan().update().size())
                .put("unchanged", o.plan().unchanged());
        putErrors(out, o.read());
        ArrayNode changes = out.putArray("changes");
        int shown = 0;
        for (SessionDraft d : o.plan().create()) {
            if (shown++ >= SHOWN_CHANGES) {
                break;
            }
            changes.addObject().put("action", "create").set("session", sessionView.node(d));
        }
        for (ImportPlan.Update u : o.plan().update()) {
            if (shown++ >= SHOWN_CHANGES) {
                break;
            }
            ObjectNode change = changes.addObject().put("action", "update");
            change.set("before", sessionView.node(u.before()));
            change.set("after", sessionView.node(u.after()));
        }
        out.put("changesTruncated", shown > SHOWN_CHANGES);
        return out;
    }

    private static String format(String asked, String contentType, byte[] content) {
        String format = asked;
        if (format == null) {
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (type.contains("calendar")) {
                format = "ics";
            } else if (type.contains("csv")) {
                format = "csv";
            } else {
                String head = new String(content, 0, Math.min(content.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
                format = head.contains("BEGIN:VCALENDAR") ? "ics" : "csv";
            }
        }
        if (!format.equals("csv") && !format.equals("ics")) {
            throw ApiException.badRequest("'format' must be csv or ics, was '" + format + "'");
        }
        return format;
    }

    private static boolean flag(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        if (v == null) {
            return false;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw ApiException.badRequest("'" + name + "' must be true or false, was '" + v + "'");
        }
        return v.equals("true");
    }

    private LocalDate date(String value, String field) {
        return times.date(value, field);
    }
}
