package org.syncready.controller.schedule;

import java.io.IOException;
import java.io.StringReader;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
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
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
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
 *
 * <p>The classrooms of an event are read by {@link IcsClassrooms}, its length and occurrences by
 * {@link IcsEventTimes}, and error lines are found by {@link IcsSourceLines}.
 */
public final class IcsTimetable {
    /** Bounds what one file may expand to; a timetable for a district's term is well under this. */
    public static final int MAX_EVENTS = 20_000;
    public static final int MAX_OCCURRENCES = 500_000;

    static final String LEAD = "X-SYNCREADY-LEAD";
    static final String REMOTES = "X-SYNCREADY-REMOTES";
    static final String KIND = "X-SYNCREADY-KIND";
    static final String TEACHER = "X-SYNCREADY-TEACHER";

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

    /** The dates to expand over, in the timetable's zone. */
    record Window(ZoneId zone, LocalDate from, LocalDate to, SortedSet<LocalDate> holidays,
                          SortedMap<LocalDate, DayOfWeek> makeUpDays) {
        boolean contains(LocalDate d) {
            return !d.isBefore(from) && !d.isAfter(to) && !holidays.contains(d);
        }
    }

    private static ImportResult read(byte[] content, Window window, ClassroomLookup classrooms, Defaults defaults) {
        String text = TimetableText.decode(content);
        IcsSourceLines lines = new IcsSourceLines(text);
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
            IcsSourceLines.EventLines at = lines.event(i);
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
                ZoneId z = IcsEventTimes.javaZone(rid.get()).orElse(null);
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

    /** A property's text, stripped; empty when the property is missing or blank. */
    static Optional<String> value(VEvent event, String name) {
        return event.getProperty(name).map(Property::getValue).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * Reads one VEVENT into occurrences, or into errors that point at its lines: its classrooms through
     * {@link IcsClassrooms}, its times through {@link IcsEventTimes}, the rest here.
     */
    private static final class EventReader {
        private final VEvent event;
        private final IcsSourceLines.EventLines at;
        private final Predicate<String> classroomExists;
        private final IcsClassrooms rooms;
        private final IcsEventTimes times;
        private final Map<String, Set<Instant>> moved;
        private final ImportErrors errors;
        private final List<Occurrences.Tagged> out;
        private final int errorsBefore;

        EventReader(VEvent event, IcsSourceLines.EventLines at, Window window, ClassroomLookup classrooms, Defaults defaults,
                    Map<String, Set<Instant>> moved, ImportErrors errors, List<Occurrences.Tagged> out) {
            this.event = event;
            this.at = at;
            this.classroomExists = id -> classrooms.find(id).contains(id);
            this.rooms = new IcsClassrooms(event, classrooms, defaults, this::error);
            this.times = new IcsEventTimes(event, window, this::error);
            this.moved = moved;
            this.errors = errors;
            this.out = out;
            this.errorsBefore = errors.count();
        }

        private void error(String property, String message) {
            errors.add(new ImportError(at.line(property), property, message));
        }

        private Optional<String> value(String name) {
            return IcsTimetable.value(event, name);
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
                    eventZone = IcsEventTimes.javaZone(dtStart.get()).orElse(null);
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
                length = times.length(start, eventZone);
            }
            String subject = value(Property.SUMMARY).orElse(null);
            if (subject == null) {
                error(Property.SUMMARY, "missing; SUMMARY is the subject");
            }
            String[] leadField = {LEAD};
            String lead = rooms.lead(leadField);
            String[] remotesField = {REMOTES};
            String remotesText = rooms.remotes(lead, remotesField);
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
            for (Instant s : times.starts(start, eventZone, rrule.map(RRule::getRecur).orElse(null))) {
                if (uid != null && event.getProperty(Property.RECURRENCE_ID).isEmpty()
                        && moved.getOrDefault(uid, Set.of()).contains(s)) {
                    continue; // this instance is given by an event of its own (moved, changed or cancelled)
                }
                out.add(new Occurrences.Tagged(new SessionDraft(lead, remotes, subject, teacher, kind, s, s.plus(length),
                        source), at.begin(), leadField[0], remotesField[0]));
            }
        }

    }
}
