package org.syncready.controller.schedule;

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
import java.time.format.DateTimeFormatter;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.parameter.TzId;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.transform.recurrence.Frequency;

/**
 * The times of one VEVENT: its length, and its occurrence starts in the import's window with ical4j
 * expanding DTSTART, RRULE, RDATE and EXDATE, holidays dropped and make-up days applied (a make-up day
 * follows another weekday's timetable, which no RRULE can say). Floating times are read in the
 * window's zone. Errors go to the event's reader, naming the property they came from.
 */
final class IcsEventTimes {
    /** Longer than any lesson; catches a DTEND on the wrong day. */
    private static final Duration MAX_LENGTH = Duration.ofHours(12);
    private static final DateTimeFormatter SHOW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final VEvent event;
    private final IcsTimetable.Window window;
    private final BiConsumer<String, String> errors;

    /** {@code errors} takes (property, message) for each problem found. */
    IcsEventTimes(VEvent event, IcsTimetable.Window window, BiConsumer<String, String> errors) {
        this.event = event;
        this.window = window;
        this.errors = errors;
    }

    private void error(String property, String message) {
        errors.accept(property, message);
    }

    /** DTEND − DTSTART (or DURATION); reports a missing or non-positive length. */
    Duration length(Temporal start, ZoneId eventZone) {
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
    List<Instant> starts(Temporal start, ZoneId eventZone, Recur<Temporal> recur) {
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
