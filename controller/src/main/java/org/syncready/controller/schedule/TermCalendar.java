package org.syncready.controller.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One school term: its dates, holidays, make-up days (调休) and the clock times of its periods (节次),
 * in the bureau's time zone. A weekly timetable is laid over it with {@link #teachingDates(DayOfWeek)}.
 *
 * <p>A make-up day is a date (usually a weekend) on which the school follows another weekday's
 * timetable; it is its own date's weekday for nothing else. Holidays are removed after that, so a
 * make-up day may not fall on a holiday. The JSON form is documented in docs/SCHEDULE.md.
 */
public record TermCalendar(String id, String name, ZoneId zone, LocalDate firstDay, LocalDate lastDay,
                           SortedSet<LocalDate> holidays, SortedMap<LocalDate, DayOfWeek> makeUpDays,
                           SortedMap<Integer, PeriodTime> periods) {

    /** The bureau's zone when a calendar names none. China has had no daylight saving time since 1991. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    /** A term is a few months; the bound keeps a typo in a year from expanding into decades of sessions. */
    public static final int MAX_TERM_DAYS = 366;
    public static final int MAX_PERIOD = 20;

    /** Clock times of one period (节次) in the term's zone. */
    public record PeriodTime(LocalTime start, LocalTime end) {
        @Override
        public String toString() {
            return start + "–" + end;
        }
    }

    /** One thing wrong with a calendar, naming the JSON field, e.g. {@code holidays[2]}. */
    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** A calendar that cannot be used; {@link #problems()} lists every reason found, not only the first. */
    public static final class InvalidTermException extends IllegalArgumentException {
        private final transient List<Problem> problems;

        InvalidTermException(List<Problem> problems) {
            super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    public TermCalendar {
        List<Problem> problems = check(id, zone, firstDay, lastDay, holidays, makeUpDays, periods);
        if (!problems.isEmpty()) {
            throw new InvalidTermException(problems);
        }
        name = name == null || name.isBlank() ? id : name.strip();
        holidays = Collections.unmodifiableSortedSet(new TreeSet<>(holidays));
        makeUpDays = Collections.unmodifiableSortedMap(new TreeMap<>(makeUpDays));
        periods = Collections.unmodifiableSortedMap(new TreeMap<>(periods));
    }

    private static List<Problem> check(String id, ZoneId zone, LocalDate firstDay, LocalDate lastDay,
                                       SortedSet<LocalDate> holidays, SortedMap<LocalDate, DayOfWeek> makeUpDays,
                                       SortedMap<Integer, PeriodTime> periods) {
        List<Problem> problems = new ArrayList<>();
        if (id == null || id.isBlank()) {
            problems.add(new Problem("id", "is required"));
        }
        if (zone == null) {
            problems.add(new Problem("timeZone", "is required"));
        }
        if (firstDay == null) {
            problems.add(new Problem("firstDay", "is required"));
        }
        if (lastDay == null) {
            problems.add(new Problem("lastDay", "is required"));
        }
        if (firstDay != null && lastDay != null) {
            if (lastDay.isBefore(firstDay)) {
                problems.add(new Problem("lastDay", lastDay + " is before firstDay " + firstDay));
            } else if (ChronoUnit.DAYS.between(firstDay, lastDay) + 1 > MAX_TERM_DAYS) {
                problems.add(new Problem("lastDay", "the term spans " + (ChronoUnit.DAYS.between(firstDay, lastDay) + 1)
                        + " days; at most " + MAX_TERM_DAYS));
            }
        }
        if (holidays == null) {
            problems.add(new Problem("holidays", "must be a list (may be empty)"));
        }
        if (makeUpDays == null) {
            problems.add(new Problem("makeUpDays", "must be an object (may be empty)"));
        } else {
            makeUpDays.forEach((date, follows) -> {
                String field = "makeUpDays." + date;
                if (follows == null) {
                    problems.add(new Problem(field, "must name the weekday whose timetable it follows"));
                }
                if (holidays != null && holidays.contains(date)) {
                    problems.add(new Problem(field, date + " is also a holiday; a make-up day is a school day"));
                }
                if (firstDay != null && lastDay != null && (date.isBefore(firstDay) || date.isAfter(lastDay))) {
                    problems.add(new Problem(field, date + " is outside the term " + firstDay + ".." + lastDay));
                }
            });
        }
        if (periods == null) {
            problems.add(new Problem("periods", "must be an object (may be empty)"));
        } else {
            periods.forEach((number, time) -> {
                String field = "periods." + number;
                if (number == null || number < 1 || number > MAX_PERIOD) {
                    problems.add(new Problem(field, "period numbers run from 1 to " + MAX_PERIOD));
                }
                if (time == null || time.start() == null || time.end() == null) {
                    problems.add(new Problem(field, "needs start and end"));
                } else if (!time.end().isAfter(time.start())) {
                    problems.add(new Problem(field + ".end", time.end() + " is not after start " + time.start()));
                }
            });
        }
        return problems;
    }

    /** The weekday whose timetable {@code date} follows: the make-up weekday on a make-up day, else its own. */
    public DayOfWeek effectiveWeekday(LocalDate date) {
        return makeUpDays.getOrDefault(date, date.getDayOfWeek());
    }

    /** Whether lessons may be held on {@code date}: inside the term and not a holiday. */
    public boolean isSchoolDay(LocalDate date) {
        return !date.isBefore(firstDay) && !date.isAfter(lastDay) && !holidays.contains(date);
    }

    /** Every date of the term that follows {@code weekday}'s timetable, in order, holidays left out. */
    public List<LocalDate> teachingDates(DayOfWeek weekday) {
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = firstDay; !d.isAfter(lastDay); d = d.plusDays(1)) {
            if (effectiveWeekday(d) == weekday && !holidays.contains(d)) {
                dates.add(d);
            }
        }
        return dates;
    }

    public Optional<PeriodTime> period(int number) {
        return Optional.ofNullable(periods.get(number));
    }

    // ---- JSON ----

    /** Reads the JSON form; every problem found is reported at once, each naming its field. */
    public static TermCalendar fromJson(ObjectMapper mapper, byte[] json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new InvalidTermException(List.of(new Problem("$", "not valid JSON: " + msg)));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTermException(List.of(new Problem("$", "must be a JSON object")));
        }
        List<Problem> problems = new ArrayList<>();
        String id = text(root, "id", problems);
        String name = text(root, "name", problems);
        ZoneId zone = DEFAULT_ZONE;
        String zoneText = text(root, "timeZone", problems);
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText.strip());
            } catch (DateTimeException e) {
                problems.add(new Problem("timeZone", "'" + zoneText + "' is not a known time zone (e.g. Asia/Shanghai)"));
                zone = null;
            }
        }
        LocalDate first = date(root.get("firstDay"), "firstDay", problems);
        LocalDate last = date(root.get("lastDay"), "lastDay", problems);

        SortedSet<LocalDate> holidays = new TreeSet<>();
        JsonNode hs = root.get("holidays");
        if (hs != null && !hs.isNull() && !hs.isArray()) {
            problems.add(new Problem("holidays", "must be a list of dates or ranges (yyyy-MM-dd or yyyy-MM-dd..yyyy-MM-dd)"));
        } else if (hs != null) {
            for (int i = 0; i < hs.size(); i++) {
                holidayEntry(hs.get(i), "holidays[" + i + "]", first, last, holidays, problems);
            }
        }

        SortedMap<LocalDate, DayOfWeek> makeUps = new TreeMap<>();
        JsonNode ms = root.get("makeUpDays");
        if (ms != null && !ms.isNull() && !ms.isObject()) {
            problems.add(new Problem("makeUpDays", "must be an object of date → weekday, e.g. {\"2026-09-27\": \"friday\"}"));
        } else if (ms != null) {
            for (Map.Entry<String, JsonNode> e : ms.properties()) {
                String field = "makeUpDays." + e.getKey();
                LocalDate d = parseDate(e.getKey());
                if (d == null) {
                    problems.add(new Problem(field, "'" + e.getKey() + "' is not a date (yyyy-MM-dd)"));
                    continue;
                }
                Optional<DayOfWeek> follows = e.getValue().isTextual() || e.getValue().isInt()
                        ? TimetableText.weekday(e.getValue().asText()) : Optional.empty();
                if (follows.isEmpty()) {
                    problems.add(new Problem(field, "'" + e.getValue().asText() + "' is not a weekday (monday..sunday, 1-7, 周一..周日)"));
                    continue;
                }
                makeUps.put(d, follows.get());
            }
        }

        SortedMap<Integer, PeriodTime> periods = new TreeMap<>();
        JsonNode ps = root.get("periods");
        if (ps != null && !ps.isNull() && !ps.isObject()) {
            problems.add(new Problem("periods", "must be an object of number → {\"start\":\"08:00\",\"end\":\"08:45\"}"));
        } else if (ps != null) {
            for (Map.Entry<String, JsonNode> e : ps.properties()) {
                String field = "periods." + e.getKey();
                Integer number = null;
                try {
                    number = Integer.valueOf(e.getKey().strip());
                } catch (NumberFormatException ex) {
                    problems.add(new Problem(field, "'" + e.getKey() + "' is not a period number"));
                }
                if (!e.getValue().isObject()) {
                    problems.add(new Problem(field, "must be {\"start\":\"HH:mm\",\"end\":\"HH:mm\"}"));
                    continue;
                }
                LocalTime start = time(e.getValue().get("start"), field + ".start", problems);
                LocalTime end = time(e.getValue().get("end"), field + ".end", problems);
                if (number != null && start != null && end != null) {
                    periods.put(number, new PeriodTime(start, end));
                }
            }
        }
        List<Problem> all = new ArrayList<>(problems);
        // A field whose text was unreadable already has its problem; don't add "is required" for it too.
        for (Problem p : check(id, zone, first, last, holidays, makeUps, periods)) {
            if (problems.stream().noneMatch(q -> q.field().equals(p.field()))) {
                all.add(p);
            }
        }
        if (!all.isEmpty()) {
            throw new InvalidTermException(all);
        }
        return new TermCalendar(id, name, zone, first, last, holidays, makeUps, periods);
    }

    public static TermCalendar fromJson(ObjectMapper mapper, String json) {
        return fromJson(mapper, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The JSON form; consecutive holidays are written as ranges, so it reads like the school calendar. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("name", name);
        root.put("timeZone", zone.getId());
        root.put("firstDay", firstDay.toString());
        root.put("lastDay", lastDay.toString());
        ArrayNode hs = root.putArray("holidays");
        LocalDate runStart = null;
        LocalDate prev = null;
        for (LocalDate d : holidays) {
            if (prev != null && !d.equals(prev.plusDays(1))) {
                hs.add(range(runStart, prev));
                runStart = d;
            } else if (runStart == null) {
                runStart = d;
            }
            prev = d;
        }
        if (runStart != null) {
            hs.add(range(runStart, prev));
        }
        ObjectNode ms = root.putObject("makeUpDays");
        makeUpDays.forEach((d, w) -> ms.put(d.toString(), TimetableText.label(w)));
        ObjectNode ps = root.putObject("periods");
        periods.forEach((n, t) -> ps.putObject(n.toString()).put("start", t.start().toString()).put("end", t.end().toString()));
        return root;
    }

    private static String range(LocalDate from, LocalDate to) {
        return from.equals(to) ? from.toString() : from + ".." + to;
    }

    private static void holidayEntry(JsonNode node, String field, LocalDate first, LocalDate last,
                                     SortedSet<LocalDate> into, List<Problem> problems) {
        if (!node.isTextual()) {
            problems.add(new Problem(field, "must be a date or a range (yyyy-MM-dd or yyyy-MM-dd..yyyy-MM-dd)"));
            return;
        }
        String text = node.asText().strip();
        int dots = text.indexOf("..");
        String fromText = dots < 0 ? text : text.substring(0, dots).strip();
        String toText = dots < 0 ? text : text.substring(dots + 2).strip();
        LocalDate from = parseDate(fromText);
        LocalDate to = parseDate(toText);
        if (from == null || to == null) {
            problems.add(new Problem(field, "'" + (from == null ? fromText : toText) + "' is not a date (yyyy-MM-dd)"));
            return;
        }
        if (to.isBefore(from)) {
            problems.add(new Problem(field, "range " + text + " ends before it starts"));
            return;
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_TERM_DAYS) {
            problems.add(new Problem(field, "range " + text + " is longer than " + MAX_TERM_DAYS + " days"));
            return;
        }
        if (first != null && last != null && (to.isBefore(first) || from.isAfter(last))) {
            problems.add(new Problem(field, text + " lies outside the term " + first + ".." + last + " (wrong year?)"));
            return;
        }
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            into.add(d);
        }
    }

    private static String text(JsonNode root, String field, List<Problem> problems) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            problems.add(new Problem(field, "must be a string"));
            return null;
        }
        return n.asText();
    }

    private static LocalDate date(JsonNode node, String field, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return null; // "is required" comes from the constructor's checks
        }
        LocalDate d = node.isTextual() ? parseDate(node.asText().strip()) : null;
        if (d == null) {
            problems.add(new Problem(field, "'" + node.asText() + "' is not a date (yyyy-MM-dd)"));
        }
        return d;
    }

    private static LocalTime time(JsonNode node, String field, List<Problem> problems) {
        if (node == null || node.isNull()) {
            problems.add(new Problem(field, "is required (HH:mm)"));
            return null;
        }
        LocalTime t = node.isTextual() ? TimetableText.time(node.asText()) : null;
        if (t == null) {
            problems.add(new Problem(field, "'" + node.asText() + "' is not a time (HH:mm)"));
        }
        return t;
    }

    private static LocalDate parseDate(String text) {
        try {
            return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
