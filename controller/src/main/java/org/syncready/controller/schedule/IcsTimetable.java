package org.syncready.controller.schedule;

import java.io.IOException;
import java.io.StringReader;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.parameter.TzId;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.RRule;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * Reads an iCalendar (RFC 5545) timetable with ical4j and expands each VEVENT's DTSTART/DTEND, RRULE,
 * RDATE and EXDATE within a window: a {@link TermCalendar} (its dates, minus its holidays, with its
 * make-up days) or explicit dates. Classrooms, kind and teacher come from X-SYNCREADY-* properties
 * (docs/SCHEDULE.md) or, in a plain export of a calendar program (Google Calendar, Outlook) where users
 * cannot add such properties, from what they can set: LOCATION for the lead classroom, ATTENDEEs or a
 * {@code 远端:} / {@code Remotes:} line in DESCRIPTION for the remote ones (ids or names), or defaults
 * chosen at import ({@link Defaults}). A moved or cancelled instance of a series (RECURRENCE-ID,
 * STATUS:CANCELLED) replaces or removes that occurrence. Like {@link CsvTimetable} it returns every
 * occurrence of the good events and an error, naming the line and property, for every bad one.
 * Stateless and thread-safe; the work grows with the file, so call it off the event loop.
 */
public final class IcsTimetable {
    /** Bounds what one file may expand to; a timetable for a district's term is well under this. */
    public static final int MAX_EVENTS = 20_000;
    public static final int MAX_OCCURRENCES = 500_000;

    static final String LEAD = "X-SYNCREADY-LEAD";
    static final String REMOTES = "X-SYNCREADY-REMOTES";
    static final String KIND = "X-SYNCREADY-KIND";
    static final String TEACHER = "X-SYNCREADY-TEACHER";
    /** A line of DESCRIPTION naming the remote classrooms: "远端：河西三年级1班、山北三年级1班" or "Remotes: a, b". */
    private static final java.util.regex.Pattern REMOTES_LINE =
            java.util.regex.Pattern.compile("^\\s*(?:远端|听讲|Remotes?)\\s*[:：]\\s*(.*)$", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern LIST = java.util.regex.Pattern.compile("[;；|,，、]");

    /**
     * Classrooms chosen at import for events that name none (a teacher's own calendar: every event is
     * a lesson of one lead class to the same remote classes). Ids, checked by the caller.
     */
    public record Defaults(String lead, List<String> remotes) {
        public static final Defaults NONE = new Defaults(null, List.of());

        public Defaults {
            remotes = remotes == null ? List.of() : List.copyOf(remotes);
        }
    }
    /** Finer recurrences than daily are not a timetable and could expand to millions of occurrences. */
    private static final Set<Frequency> TIMETABLE_FREQUENCIES = EnumSet.of(Frequency.DAILY, Frequency.WEEKLY,
            Frequency.MONTHLY, Frequency.YEARLY);

    /** Longer than any lesson; catches a DTEND on the wrong day. */
    private static final Duration MAX_LENGTH = Duration.ofHours(12);
    private static final java.time.format.DateTimeFormatter SHOW = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private IcsTimetable() {
    }

    /** Expands over the term: its first to last day, holidays dropped, make-up days following their weekday. */
    public static ImportResult read(byte[] content, TermCalendar term, Predicate<String> classroomExists) {
        return read(content, term, ClassroomLookup.idsOnly(classroomExists), Defaults.NONE);
    }

    /** Over a term, finding classrooms by id or name, with classrooms chosen at import for events that name none. */
    public static ImportResult read(byte[] content, TermCalendar term, ClassroomLookup classrooms, Defaults defaults) {
        return read(content, new Window(term.zone(), term.firstDay(), term.lastDay(), term.holidays(), term.makeUpDays()),
                classrooms, defaults);
    }

    /**
     * Expands from {@code from} to {@code to} (inclusive, local dates in {@code zone}), with no holidays.
     * Floating times (no TZID, no Z) are read in {@code zone}.
     */
    public static ImportResult read(byte[] content, ZoneId zone, LocalDate from, LocalDate to,
                                    Predicate<String> classroomExists) {
        return read(content, zone, from, to, ClassroomLookup.idsOnly(classroomExists), Defaults.NONE);
    }

    /** Between two dates, finding classrooms by id or name, with defaults chosen at import. */
    public static ImportResult read(byte[] content, ZoneId zone, LocalDate from, LocalDate to,
                                    ClassroomLookup classrooms, Defaults defaults) {
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= TermCalendar.MAX_TERM_DAYS) {
            throw new IllegalArgumentException("window " + from + ".." + to + " must be 1 to "
                    + TermCalendar.MAX_TERM_DAYS + " days");
        }
        return read(content, new Window(zone, from, to, new TreeSet<>(), new TreeMap<>()), classrooms, defaults);
    }

    private record Window(ZoneId zone, LocalDate from, LocalDate to, SortedSet<LocalDate> holidays,
                          SortedMap<LocalDate, DayOfWeek> makeUpDays) {
        boolean contains(LocalDate d) {
            return !d.isBefore(from) && !d.isAfter(to) && !holidays.contains(d);
        }
    }

    private static ImportResult read(byte[] content, Window window, ClassroomLookup classrooms, Defaults defaults) {
        String text = TimetableText.decode(content);
        SourceLines lines = new SourceLines(text);
        Calendar calendar;
        try {
            calendar = new CalendarBuilder().build(new StringReader(text));
        } catch (ParserException e) {
            int line = Math.max(1, e.getLineNo());
            String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                    : e.getMessage().replaceFirst("^Error at line \\d+:", "");
            return new ImportResult(List.of(), List.of(new ImportError(line, lines.propertyAt(line),
                    "not valid iCalendar: " + message)));
        } catch (IOException | RuntimeException e) {
            // ical4j throws unchecked exceptions for some malformed values; the file is unusable either way.
            return new ImportResult(List.of(), List.of(new ImportError(1, null, "not valid iCalendar: " + e.getMessage())));
        }
        List<VEvent> events = calendar.getComponents(Component.VEVENT);
        ImportErrors errors = new ImportErrors();
        if (events.isEmpty()) {
            errors.add(new ImportError(1, "VEVENT", "the calendar has no VEVENT"));
        }
        if (events.size() > MAX_EVENTS) {
            return new ImportResult(List.of(), List.of(new ImportError(1, "VEVENT", "more than " + MAX_EVENTS
                    + " events; split the file")));
        }
        List<Occurrences.Tagged> occurrences = new ArrayList<>();
        Map<String, Set<Instant>> moved = movedInstances(events, window.zone());
        for (int i = 0; i < events.size(); i++) {
            EventLines at = lines.event(i);
            try {
                new EventReader(events.get(i), at, window, classrooms, defaults, moved, errors, occurrences).read();
            } catch (RuntimeException e) {
                // ical4j may still fail on a value it parsed leniently; that event is bad, the import goes on.
                errors.add(new ImportError(at.begin(), "VEVENT", "cannot read this event: " + e));
            }
            if (occurrences.size() > MAX_OCCURRENCES) {
                errors.add(new ImportError(at.begin(), "RRULE", "the file expands to more than " + MAX_OCCURRENCES
                        + " sessions; split it"));
                return errors.result(List.of());
            }
        }
        List<SessionDraft> drafts = Occurrences.withoutConflicts(occurrences, window.zone(), errors);
        return errors.result(drafts);
    }

    /**
     * The instances of each series (by UID) that the file gives as events of their own (RECURRENCE-ID:
     * moved, changed or cancelled); the series leaves those starts to them.
     */
    private static Map<String, Set<Instant>> movedInstances(List<VEvent> events, ZoneId zone) {
        Map<String, Set<Instant>> out = new HashMap<>();
        for (VEvent e : events) {
            Optional<Property> rid = e.getProperty(Property.RECURRENCE_ID);
            Optional<String> uid = e.getProperty(Property.UID).map(Property::getValue);
            if (rid.isEmpty() || uid.isEmpty()) {
                continue;
            }
            try {
                Temporal t = ((net.fortuna.ical4j.model.property.RecurrenceId<?>) rid.get()).getDate();
                ZoneId z = EventReader.javaZone(rid.get()).orElse(null);
                Instant at = t instanceof ZonedDateTime zt ? (z != null ? zt.toLocalDateTime().atZone(z).toInstant() : zt.toInstant())
                        : t instanceof OffsetDateTime o ? o.toInstant() : t instanceof Instant i ? i
                        : t instanceof LocalDateTime l ? l.atZone(z != null ? z : zone).toInstant() : null;
                if (at != null) {
                    out.computeIfAbsent(uid.get(), k -> new java.util.HashSet<>()).add(at);
                }
            } catch (RuntimeException ignored) {
                // A RECURRENCE-ID that cannot be read moves nothing; the event itself is read (and judged) as usual.
            }
        }
        return out;
    }

    /** Reads one VEVENT into occurrences, or into errors that point at its lines. */
    private static final class EventReader {
        private final VEvent event;
        private final EventLines at;
        private final Window window;
        private final ClassroomLookup classrooms;
        private final Predicate<String> classroomExists;
        private final Defaults defaults;
        private final Map<String, Set<Instant>> moved;
        private final ImportErrors errors;
        private final List<Occurrences.Tagged> out;
        private final int errorsBefore;

        EventReader(VEvent event, EventLines at, Window window, ClassroomLookup classrooms, Defaults defaults,
                    Map<String, Set<Instant>> moved, ImportErrors errors, List<Occurrences.Tagged> out) {
            this.event = event;
            this.at = at;
            this.window = window;
            this.classrooms = classrooms;
            this.classroomExists = id -> classrooms.find(id).contains(id);
            this.defaults = defaults;
            this.moved = moved;
            this.errors = errors;
            this.out = out;
            this.errorsBefore = errors.count();
        }

        private void error(String property, String message) {
            errors.add(new ImportError(at.line(property), property, message));
        }

        private Optional<String> value(String name) {
            return event.getProperty(name).map(Property::getValue).map(String::strip).filter(v -> !v.isEmpty());
        }

        void read() {
            if (value(Property.STATUS).map(v -> v.equalsIgnoreCase("CANCELLED")).orElse(false)) {
                return; // a cancelled lesson (or cancelled instance of a series, which its RECURRENCE-ID removed)
            }
            Optional<DtStart<Temporal>> dtStart = event.getProperty(Property.DTSTART);
            Temporal start = null;
            ZoneId eventZone = null;
            if (dtStart.isEmpty()) {
                error(Property.DTSTART, "missing; every session needs a start date and time");
            } else {
                try {
                    start = dtStart.get().getDate();
                    eventZone = javaZone(dtStart.get()).orElse(null);
                    if (start instanceof LocalDate) {
                        error(Property.DTSTART, "is a date without a time (all-day event); a session needs its start time");
                        start = null;
                    }
                } catch (DateTimeException e) {
                    error(Property.DTSTART, "unknown time zone or bad value: " + e.getMessage());
                }
            }
            Duration length = null;
            if (start != null) {
                length = length(start, eventZone);
            }
            String subject = value(Property.SUMMARY).orElse(null);
            if (subject == null) {
                error(Property.SUMMARY, "missing; SUMMARY is the subject");
            }
            String[] leadField = {LEAD};
            String lead = lead(leadField);
            String[] remotesField = {REMOTES};
            String remotesText = remotes(lead, remotesField);
            // The lead was judged above; here the remotes are (against the lead, too).
            List<String> remotes = remotesText == null ? List.of() : TimetableText.classrooms(lead == null ? "" : lead, remotesText,
                    classroomExists, (aboutLead, message) -> {
                        if (!aboutLead) {
                            error(remotesField[0], message);
                        }
                    });
            String kindText = value(KIND).orElse("");
            SessionKind kind = kindText.isEmpty() ? SessionKind.LIVE : SessionKind.parse(kindText).orElse(null);
            if (kind == null) {
                error(KIND, "'" + kindText + "' is not a session kind (live/直播, recorded/录播, embedded/植入式)");
            }
            String teacher = value(TEACHER).orElse(null);
            Optional<RRule<Temporal>> rrule = event.getProperty(Property.RRULE);
            if (rrule.isPresent() && !TIMETABLE_FREQUENCIES.contains(rrule.get().getRecur().getFrequency())) {
                error(Property.RRULE, "FREQ=" + rrule.get().getRecur().getFrequency() + " is not a timetable recurrence"
                        + " (use DAILY or WEEKLY)");
            }
            if (errors.count() > errorsBefore || length == null) {
                return;
            }
            String uid = value(Property.UID).orElse(null);
            String source = (uid == null ? "" : "UID " + uid + ", ") + "line " + at.begin();
            for (Instant s : starts(start, eventZone, rrule.map(RRule::getRecur).orElse(null))) {
                if (uid != null && event.getProperty(Property.RECURRENCE_ID).isEmpty()
                        && moved.getOrDefault(uid, Set.of()).contains(s)) {
                    continue; // this instance is given by an event of its own (moved, changed or cancelled)
                }
                out.add(new Occurrences.Tagged(new SessionDraft(lead, remotes, subject, teacher, kind, s, s.plus(length),
                        source), at.begin(), leadField[0], remotesField[0]));
            }
        }

        /**
         * The lead classroom's id: X-SYNCREADY-LEAD, else LOCATION (an id or a name; a location such as
         * "河西镇中心小学 三年级1班, 2楼" is tried whole, then piece by piece), else the import's default.
         * Null (with an error) when none names a classroom.
         */
        private String lead(String[] field) {
            if (event.getProperty(LEAD).isPresent()) {
                Optional<String> x = value(LEAD);
                if (x.isEmpty()) {
                    error(LEAD, "is empty; every session needs its lead classroom");
                    return null;
                }
                String id = one(x.get(), LEAD, true);
                return id == null ? x.get() : id;
            }
            Optional<String> location = value(Property.LOCATION);
            if (location.isPresent()) {
                field[0] = Property.LOCATION;
                List<String> whole = classrooms.find(location.get());
                if (whole.size() == 1) {
                    return whole.get(0);
                }
                if (whole.isEmpty()) {
                    for (String piece : LIST.split(location.get())) {
                        List<String> found = classrooms.find(piece);
                        if (found.size() == 1) {
                            return found.get(0);
                        }
                        if (found.size() > 1) {
                            return one(piece, Property.LOCATION, true);
                        }
                    }
                }
                String id = one(location.get(), Property.LOCATION, true);
                return id == null ? location.get() : id;
            }
            if (defaults.lead() != null) {
                field[0] = "lead";
                return defaults.lead();
            }
            error(Property.LOCATION, "missing; set LOCATION to the lead classroom (its id or name, e.g. 河西镇中心小学 三年级1班),"
                    + " add X-SYNCREADY-LEAD, or import with ?lead=CLASSROOM");
            return null;
        }

        /**
         * The remote classrooms as a list of ids for {@link TimetableText#classrooms}: X-SYNCREADY-REMOTES,
         * else the ATTENDEEs that are classrooms (people invited are left out), else a 远端:/Remotes: line
         * of DESCRIPTION, else the import's default. Null (with an error) when nothing names one.
         */
        private String remotes(String lead, String[] field) {
            if (event.getProperty(REMOTES).isPresent()) {
                return ids(value(REMOTES).orElse(""), REMOTES);
            }
            List<String> invited = new ArrayList<>();
            for (Property attendee : event.getProperties(Property.ATTENDEE)) {
                String cn = attendee.getParameter(Parameter.CN).map(Parameter::getValue).orElse("");
                String address = attendee.getValue() == null ? "" : attendee.getValue().replaceFirst("(?i)^mailto:", "");
                String local = address.contains("@") ? address.substring(0, address.indexOf('@')) : address;
                for (String candidate : List.of(cn, address, local)) {
                    List<String> found = candidate.isBlank() ? List.of() : classrooms.find(candidate);
                    if (found.size() == 1) {
                        if (!found.get(0).equals(lead) && !invited.contains(found.get(0))) {
                            invited.add(found.get(0));
                        }
                        break;
                    }
                }
            }
            if (!invited.isEmpty()) {
                field[0] = Property.ATTENDEE;
                return String.join(";", invited);
            }
            Optional<String> line = value(Property.DESCRIPTION).flatMap(IcsTimetable::remotesLine);
            if (line.isPresent()) {
                field[0] = Property.DESCRIPTION;
                return ids(line.get(), Property.DESCRIPTION);
            }
            if (!defaults.remotes().isEmpty()) {
                field[0] = "remotes";
                return String.join(";", defaults.remotes());
            }
            error(REMOTES, "no remote classroom: invite the remote classrooms to the event (ATTENDEE), add a line "
                    + "'远端: 班级, 班级' (or 'Remotes: ...') to the description, add X-SYNCREADY-REMOTES, or import with ?remotes=ID,ID");
            return null;
        }

        /** Each piece of a list resolved to its classroom id; pieces that name none are kept for the error. */
        private String ids(String list, String property) {
            List<String> out = new ArrayList<>();
            for (String piece : LIST.split(list)) {
                if (!piece.isBlank()) {
                    String id = one(piece, property, false);
                    out.add(id == null ? piece.strip() : id);
                }
            }
            return String.join(";", out);
        }

        /** The one classroom a text names; an ambiguous name is an error naming the candidates. */
        private String one(String text, String property, boolean report) {
            List<String> found = classrooms.find(text);
            if (found.size() == 1) {
                return found.get(0);
            }
            if (found.size() > 1) {
                error(property, "'" + text.strip() + "' names " + found.size() + " classrooms " + found
                        + "; give the school's name with it, or the classroom id");
                return null;
            }
            if (report) {
                error(property, "unknown classroom '" + text.strip() + "'" + (property.equals(Property.LOCATION)
                        ? " (LOCATION names the lead classroom: its id, or its name with or without the school's)" : ""));
            }
            return null;
        }

        /** DTEND − DTSTART (or DURATION); reports a missing or non-positive length. */
        private Duration length(Temporal start, ZoneId eventZone) {
            try {
                Optional<DtEnd<Temporal>> dtEnd = event.getEndDate(true);
                // ical4j would invent a one-day length for a DTSTART with neither DTEND nor DURATION.
                if (dtEnd.isEmpty() || event.getProperty(Property.DTEND).isEmpty()
                        && event.getProperty(Property.DURATION).isEmpty()) {
                    error(Property.DTEND, "missing; give DTEND or DURATION");
                    return null;
                }
                Temporal end = dtEnd.get().getDate();
                ZoneId endZone = javaZone(dtEnd.get()).orElse(null);
                Duration d = end instanceof LocalDate ? null : Duration.between(instant(start, eventZone), instant(end, endZone));
                String field = event.getProperty(Property.DTEND).isPresent() ? Property.DTEND : Property.DURATION;
                if (d == null || d.isNegative() || d.isZero()) {
                    error(field, "the session ends at " + show(end, endZone) + ", not after its start " + show(start, eventZone));
                    return null;
                }
                if (d.compareTo(MAX_LENGTH) > 0) {
                    error(field, "the session lasts " + d.toHours() + " h; a sync lesson lasts at most "
                            + MAX_LENGTH.toHours() + " h (wrong date in DTEND?)");
                    return null;
                }
                return d;
            } catch (DateTimeException | IllegalArgumentException e) {
                error(Property.DTEND, "unknown time zone or bad value: " + e.getMessage());
                return null;
            }
        }

        private String show(Temporal t, ZoneId eventZone) {
            ZoneId zone = eventZone != null ? eventZone : window.zone();
            return SHOW.format(instant(t, eventZone).atZone(zone)) + " (" + zone.getId() + ")";
        }

        /** Occurrence starts inside the window, holidays dropped, make-up days applied to weekly events. */
        private List<Instant> starts(Temporal start, ZoneId eventZone, Recur<Temporal> recur) {
            // One day of margin each side so occurrences whose zone differs from the window's are not cut off.
            Period<ZonedDateTime> range = new Period<>(window.from().minusDays(1).atStartOfDay(window.zone()),
                    window.to().plusDays(2).atStartOfDay(window.zone()));
            Set<Period<Temporal>> set;
            try {
                set = event.calculateRecurrenceSet(range);
            } catch (RuntimeException e) {
                error(recur != null ? Property.RRULE : Property.DTSTART, "cannot expand the recurrence: " + e.getMessage());
                return List.of();
            }
            List<Instant> all = new ArrayList<>();
            for (Period<Temporal> p : set) {
                Instant s = instant(p.getStart(), eventZone);
                LocalDate d = s.atZone(window.zone()).toLocalDate();
                if (!d.isBefore(window.from()) && !d.isAfter(window.to())) {
                    all.add(s);
                }
            }
            Set<DayOfWeek> weekly = weeklyDays(start, recur);
            List<Instant> result = new ArrayList<>();
            for (Instant s : all) {
                LocalDate d = s.atZone(window.zone()).toLocalDate();
                // On a make-up day a weekly lesson follows the weekday named, not the date's own weekday.
                if (window.contains(d) && (weekly.isEmpty() || !window.makeUpDays().containsKey(d))) {
                    result.add(s);
                }
            }
            if (!weekly.isEmpty()) {
                Set<LocalDate> excluded = exceptionDates(eventZone);
                LocalTime time = localTime(start, eventZone);
                window.makeUpDays().forEach((d, follows) -> {
                    if (weekly.contains(follows) && window.contains(d) && !excluded.contains(d)
                            && seriesRunsOn(d, start, eventZone, recur)) {
                        result.add(d.atTime(time).atZone(eventZone != null ? eventZone : window.zone()).toInstant());
                    }
                });
            }
            result.sort(null);
            return result;
        }

        /** Whether the series has started by {@code d} and not yet ended by its UNTIL or COUNT. */
        private boolean seriesRunsOn(LocalDate d, Temporal start, ZoneId eventZone, Recur<Temporal> recur) {
            if (d.isBefore(instant(start, eventZone).atZone(window.zone()).toLocalDate())) {
                return false;
            }
            Temporal until = recur.getUntil();
            if (until != null) {
                LocalDate last = until instanceof LocalDate ld ? ld : instant(until, eventZone).atZone(window.zone()).toLocalDate();
                if (d.isAfter(last)) {
                    return false;
                }
            }
            if (recur.getCount() > 0) {
                LocalDate first = instant(start, eventZone).atZone(window.zone()).toLocalDate();
                Period<ZonedDateTime> before = new Period<>(first.minusDays(1).atStartOfDay(window.zone()),
                        d.atStartOfDay(window.zone()));
                return event.calculateRecurrenceSet(before).size() < recur.getCount();
            }
            return true;
        }

        /** The weekdays of a weekly, every-week RRULE (BYDAY, or DTSTART's weekday); empty otherwise. */
        private Set<DayOfWeek> weeklyDays(Temporal start, Recur<Temporal> recur) {
            if (recur == null || recur.getFrequency() != Frequency.WEEKLY || recur.getInterval() > 1) {
                return Set.of();
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (WeekDay wd : recur.getDayList()) {
                DayOfWeek d = WeekDay.getDayOfWeek(wd);
                if (d != null) {
                    days.add(d);
                }
            }
            if (days.isEmpty()) {
                days.add(LocalDate.from(start instanceof OffsetDateTime o ? o.atZoneSameInstant(window.zone()) : start)
                        .getDayOfWeek());
            }
            return days;
        }

        private Set<LocalDate> exceptionDates(ZoneId eventZone) {
            Set<LocalDate> dates = new TreeSet<>();
            for (Property p : event.getProperties(Property.EXDATE)) {
                for (Object t : ((DateListProperty<?>) p).getDates()) {
                    Temporal temporal = (Temporal) t;
                    dates.add(temporal instanceof LocalDate ld ? ld
                            : instant(temporal, eventZone).atZone(window.zone()).toLocalDate());
                }
            }
            return dates;
        }

        private LocalTime localTime(Temporal start, ZoneId eventZone) {
            if (start instanceof ZonedDateTime z) {
                return z.toLocalTime();
            }
            if (start instanceof LocalDateTime l) {
                return l.toLocalTime();
            }
            return instant(start, eventZone).atZone(eventZone != null ? eventZone : window.zone()).toLocalTime();
        }

        private Instant instant(Temporal t, ZoneId eventZone) {
            if (t instanceof ZonedDateTime z) {
                // ical4j's own zone rules come from its bundled VTIMEZONEs; the JDK's are kept current.
                return eventZone != null ? z.toLocalDateTime().atZone(eventZone).toInstant() : z.toInstant();
            }
            if (t instanceof OffsetDateTime o) {
                return o.toInstant();
            }
            if (t instanceof Instant i) {
                return i;
            }
            if (t instanceof LocalDateTime l) {
                return l.atZone(window.zone()).toInstant();
            }
            throw new DateTimeException("unsupported date value " + t);
        }

        static Optional<ZoneId> javaZone(Property dateProperty) {
            Optional<TzId> tzid = dateProperty.getParameter(Parameter.TZID);
            if (tzid.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(ZoneId.of(tzid.get().getValue()));
            } catch (DateTimeException e) {
                return Optional.empty(); // a Windows name or a VTIMEZONE of the file: ical4j's rules apply
            }
        }
    }

    /**
     * The classrooms after "远端:" (or "Remotes:") on a line of a description; calendar programs that
     * keep descriptions as HTML (Google Calendar's web editor) have their line breaks as tags.
     */
    static Optional<String> remotesLine(String description) {
        String text = description.replaceAll("(?i)<br\\s*/?>|</p>|</div>|</li>", "\n").replaceAll("<[^>]*>", "")
                .replace("&nbsp;", " ").replace("&amp;", "&");
        for (String line : text.split("\\r?\\n")) {
            java.util.regex.Matcher m = REMOTES_LINE.matcher(line);
            if (m.matches() && !m.group(1).isBlank()) {
                return Optional.of(m.group(1).strip());
            }
        }
        return Optional.empty();
    }

    /** Where each top-level VEVENT and its properties start in the file, for error messages. */
    private record EventLines(int begin, Map<String, Integer> properties) {
        int line(String property) {
            return properties.getOrDefault(property, begin);
        }
    }

    private static final class SourceLines {
        private final String[] lines;
        private final List<EventLines> events = new ArrayList<>();

        SourceLines(String text) {
            lines = text.split("\r\n|\r|\n", -1);
            int depth = 0;
            Map<String, Integer> current = null;
            int begin = 0;
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.startsWith(" ") || l.startsWith("\t")) {
                    continue; // folded continuation of the previous line
                }
                String name = name(l);
                if (name.equals("BEGIN")) {
                    depth++;
                    if (depth == 2 && l.substring(6).strip().equalsIgnoreCase("VEVENT")) {
                        current = new HashMap<>();
                        begin = i + 1;
                    }
                } else if (name.equals("END")) {
                    if (depth == 2 && current != null) {
                        events.add(new EventLines(begin, current));
                        current = null;
                    }
                    depth--;
                } else if (current != null && depth == 2) {
                    current.putIfAbsent(name, i + 1);
                }
            }
        }

        private static String name(String line) {
            int end = 0;
            while (end < line.length() && line.charAt(end) != ';' && line.charAt(end) != ':') {
                end++;
            }
            return line.substring(0, end).strip().toUpperCase(Locale.ROOT);
        }

        EventLines event(int index) {
            return index < events.size() ? events.get(index) : new EventLines(1, Map.of());
        }

        String propertyAt(int line) {
            if (line < 1 || line > lines.length) {
                return null;
            }
            for (int i = line - 1; i >= 0; i--) {
                if (!lines[i].startsWith(" ") && !lines[i].startsWith("\t")) {
                    String n = name(lines[i]);
                    return n.isEmpty() ? null : n;
                }
            }
            return null;
        }
    }
}
