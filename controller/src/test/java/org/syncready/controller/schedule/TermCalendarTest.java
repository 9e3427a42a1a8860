package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.syncready.protocol.MessageCodec;

class TermCalendarTest {
    static final ObjectMapper MAPPER = new MessageCodec().mapper();

    /** September 2026: Friday the 25th is a holiday, Sunday the 27th is a make-up day following Friday. */
    static final String SEPTEMBER = """
            {
              "id": "2026-autumn-sep",
              "name": "2026秋季学期（九月）",
              "firstDay": "2026-09-01",
              "lastDay": "2026-09-30",
              "holidays": ["2026-09-25"],
              "makeUpDays": {"2026-09-27": "friday"},
              "periods": {
                "1": {"start": "08:00", "end": "08:45"},
                "2": {"start": "08:55", "end": "09:40"},
                "3": {"start": "10:00", "end": "10:45"}
              }
            }
            """;

    static TermCalendar september() {
        return TermCalendar.fromJson(MAPPER, SEPTEMBER);
    }

    static List<LocalDate> dates(String... isoDates) {
        return java.util.Arrays.stream(isoDates).map(LocalDate::parse).collect(Collectors.toList());
    }

    @Test
    void weeklyDatesSkipHolidaysAndFollowMakeUpDays() {
        TermCalendar term = september();
        assertEquals(ZoneId.of("Asia/Shanghai"), term.zone(), "default zone is the bureau's");
        assertEquals(dates("2026-09-04", "2026-09-11", "2026-09-18", "2026-09-27"), term.teachingDates(DayOfWeek.FRIDAY));
        assertEquals(dates("2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28"), term.teachingDates(DayOfWeek.MONDAY));
        // The make-up Sunday follows Friday, so it is not a Sunday for a Sunday timetable.
        assertEquals(dates("2026-09-06", "2026-09-13", "2026-09-20"), term.teachingDates(DayOfWeek.SUNDAY));
        assertEquals(DayOfWeek.FRIDAY, term.effectiveWeekday(LocalDate.of(2026, 9, 27)));
        assertEquals(new TermCalendar.PeriodTime(LocalTime.of(8, 55), LocalTime.of(9, 40)), term.period(2).orElseThrow());
        assertTrue(term.period(9).isEmpty());
        assertTrue(term.isSchoolDay(LocalDate.of(2026, 9, 27)));
        assertTrue(!term.isSchoolDay(LocalDate.of(2026, 9, 25)), "holiday");
        assertTrue(!term.isSchoolDay(LocalDate.of(2026, 10, 1)), "after the term");
    }

    @Test
    void holidayRangesExpandAndJsonRoundTrips() {
        TermCalendar term = TermCalendar.fromJson(MAPPER, """
                {"id":"t","firstDay":"2026-09-01","lastDay":"2027-01-22","timeZone":"Asia/Urumqi",
                 "holidays":["2026-10-01..2026-10-07","2027-01-01"],
                 "makeUpDays":{"2026-09-27":"周三","2026-10-10":"4"},
                 "periods":{"1":{"start":"8:00","end":"08:45"}}}
                """);
        assertEquals(8, term.holidays().size());
        assertEquals(DayOfWeek.WEDNESDAY, term.makeUpDays().get(LocalDate.of(2026, 9, 27)));
        assertEquals(DayOfWeek.THURSDAY, term.makeUpDays().get(LocalDate.of(2026, 10, 10)));
        var json = term.toJson(MAPPER);
        assertEquals("2026-10-01..2026-10-07", json.get("holidays").get(0).asText());
        assertEquals("2027-01-01", json.get("holidays").get(1).asText());
        assertEquals("wednesday", json.get("makeUpDays").get("2026-09-27").asText());
        assertEquals("t", json.get("name").asText(), "name defaults to id");
        assertEquals(term, TermCalendar.fromJson(MAPPER, json.toString()));
    }

    @Test
    void everyProblemIsReportedWithItsField() {
        var e = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER, """
                {"id":"t","firstDay":"2026-09-01","lastDay":"2026-09-30",
                 "holidays":["2026-09-25","2026-09-26..2026-09-27","2026-13-01","2026-09-10..2026-09-08","2025-10-01"],
                 "makeUpDays":{"2026-09-26":"friday","2026-09-19":"someday","2026-12-05":"monday"},
                 "periods":{"1":{"start":"08:45","end":"08:00"},"2":{"start":"25:00","end":"09:00"},"x":{"start":"08:00","end":"09:00"}}}
                """));
        List<String> problems = e.problems().stream().map(Object::toString).toList();
        assertTrue(problems.contains("holidays[2]: '2026-13-01' is not a date (yyyy-MM-dd)"), problems.toString());
        assertTrue(problems.contains("holidays[3]: range 2026-09-10..2026-09-08 ends before it starts"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("holidays[4]: 2025-10-01 lies outside the term")), problems.toString());
        assertTrue(problems.contains("makeUpDays.2026-09-26: 2026-09-26 is also a holiday; a make-up day is a school day"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("makeUpDays.2026-09-19: 'someday' is not a weekday")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("makeUpDays.2026-12-05: 2026-12-05 is outside the term")),
                problems.toString());
        assertTrue(problems.contains("periods.1.end: 08:00 is not after start 08:45"), problems.toString());
        assertTrue(problems.contains("periods.2.start: '25:00' is not a time (HH:mm)"), problems.toString());
        assertTrue(problems.contains("periods.x: 'x' is not a period number"), problems.toString());
        assertEquals(9, problems.size(), problems.toString());
    }

    @Test
    void termDatesZoneAndShapeAreChecked() {
        var backwards = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER,
                "{\"id\":\"t\",\"firstDay\":\"2026-09-30\",\"lastDay\":\"2026-09-01\"}"));
        assertEquals(List.of(new TermCalendar.Problem("lastDay", "2026-09-01 is before firstDay 2026-09-30")), backwards.problems());

        var zone = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER,
                "{\"timeZone\":\"Asia/Beijing\",\"firstDay\":\"2026-09-01\",\"lastDay\":\"2026-09-30\"}"));
        assertEquals(List.of("id: is required", "timeZone: 'Asia/Beijing' is not a known time zone (e.g. Asia/Shanghai)"),
                zone.problems().stream().map(Object::toString).sorted().toList());

        var missing = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER, "{\"firstDay\":\"2026-9-1\"}"));
        assertEquals(List.of("firstDay: '2026-9-1' is not a date (yyyy-MM-dd)", "id: is required", "lastDay: is required"),
                missing.problems().stream().map(Object::toString).sorted().toList());

        var tooLong = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER,
                "{\"id\":\"t\",\"firstDay\":\"2026-09-01\",\"lastDay\":\"2062-09-01\"}"));
        assertEquals("lastDay", tooLong.problems().get(0).field());

        var notJson = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER, "{\"id\": "));
        assertEquals("$", notJson.problems().get(0).field());
        var wrongShape = assertThrows(TermCalendar.InvalidTermException.class, () -> TermCalendar.fromJson(MAPPER,
                "{\"id\":\"t\",\"firstDay\":\"2026-09-01\",\"lastDay\":\"2026-09-30\",\"holidays\":\"2026-09-25\",\"periods\":[1]}"));
        assertEquals(List.of("holidays", "periods"), wrongShape.problems().stream().map(TermCalendar.Problem::field).sorted().toList());
    }
}
