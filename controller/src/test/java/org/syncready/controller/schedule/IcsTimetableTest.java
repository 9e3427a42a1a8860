package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.syncready.controller.schedule.CsvTimetableTest.KNOWN;
import static org.syncready.controller.schedule.CsvTimetableTest.errors;
import static org.syncready.controller.schedule.CsvTimetableTest.shanghai;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class IcsTimetableTest {

    static String calendar(String... eventLines) {
        StringBuilder b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//SyncReady//test//EN\r\n");
        for (String l : eventLines) {
            b.append(l).append("\r\n");
        }
        return b.append("END:VCALENDAR\r\n").toString();
    }

    static final String WEEKLY = calendar(
            "BEGIN:VEVENT",                                           // line 4
            "UID:maths-fri@school-1",
            "DTSTAMP:20260801T000000Z",
            "DTSTART;TZID=Asia/Shanghai:20260904T080000",
            "DTEND;TZID=Asia/Shanghai:20260904T084500",
            "RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20260930T155959Z",
            "SUMMARY:Mathematics",
            "X-SYNCREADY-LEAD:lead-1",
            "X-SYNCREADY-REMOTES:remote-1;remote-2",
            "X-SYNCREADY-KIND:直播",
            "X-SYNCREADY-TEACHER:王老师",
            "END:VEVENT",
            "BEGIN:VEVENT",                                           // line 16
            "UID:english-mon@school-1",
            "DTSTAMP:20260801T000000Z",
            "DTSTART:20260907T020000Z",
            "DURATION:PT45M",
            "RRULE:FREQ=WEEKLY",
            "EXDATE:20260914T020000Z",
            "SUMMARY:English",
            "LOCATION:lead-2",
            "X-SYNCREADY-REMOTES:remote-3",
            "X-SYNCREADY-KIND:recorded",
            "END:VEVENT");

    static ImportResult read(String ics) {
        return IcsTimetable.read(ics.getBytes(StandardCharsets.UTF_8), TermCalendarTest.september(), KNOWN);
    }

    @Test
    void weeklyEventsExpandOverTheTermWithHolidayMakeUpDayAndExdate() {
        ImportResult r = read(WEEKLY);
        assertEquals(List.of(), r.errors());
        List<SessionDraft> maths = r.sessions().stream().filter(s -> s.subject().equals("Mathematics")).toList();
        // 2026-09-25 (Friday) is a holiday; Sunday 2026-09-27 follows Friday's timetable.
        assertEquals(List.of(shanghai("2026-09-04T08:00"), shanghai("2026-09-11T08:00"), shanghai("2026-09-18T08:00"),
                shanghai("2026-09-27T08:00")), maths.stream().map(SessionDraft::start).toList());
        assertEquals(shanghai("2026-09-27T08:45"), maths.get(3).end());
        SessionDraft m = maths.get(0);
        assertEquals("lead-1", m.leadClassroomId());
        assertEquals(List.of("remote-1", "remote-2"), m.remoteClassroomIds());
        assertEquals(SessionKind.LIVE, m.kind());
        assertEquals("王老师", m.teacher());
        assertEquals("UID maths-fri@school-1, line 4", m.source());

        // UTC times, DURATION instead of DTEND, LOCATION as the lead, EXDATE on the 14th, no UNTIL (term bounds it).
        List<SessionDraft> english = r.sessions().stream().filter(s -> s.subject().equals("English")).toList();
        assertEquals(List.of(shanghai("2026-09-07T10:00"), shanghai("2026-09-21T10:00"), shanghai("2026-09-28T10:00")),
                english.stream().map(SessionDraft::start).toList());
        assertEquals(shanghai("2026-09-07T10:45"), english.get(0).end());
        assertEquals("lead-2", english.get(0).leadClassroomId());
        assertEquals(SessionKind.RECORDED, english.get(0).kind());
        assertEquals(7, r.sessions().size());
    }

    @Test
    void csvAndIcsOfTheSameTimetableAgree() {
        List<Instant> fromCsv = CsvTimetableTest.read(CsvTimetableTest.ENGLISH).sessions().stream()
                .filter(s -> s.subject().equals("Mathematics")).map(SessionDraft::start).toList();
        List<Instant> fromIcs = read(WEEKLY).sessions().stream()
                .filter(s -> s.subject().equals("Mathematics")).map(SessionDraft::start).toList();
        assertEquals(fromCsv, fromIcs);
    }

    @Test
    void explicitWindowRdateAndAnotherZone() {
        String ics = calendar(
                "BEGIN:VEVENT",
                "UID:exchange@berlin",
                "DTSTART;TZID=Europe/Berlin:20261019T080000",
                "DTEND;TZID=Europe/Berlin:20261019T084500",
                "RRULE:FREQ=WEEKLY;COUNT=3",
                "RDATE;TZID=Europe/Berlin:20261031T100000",
                "SUMMARY:German",
                "X-SYNCREADY-LEAD:lead-1",
                "X-SYNCREADY-REMOTES:remote-1",
                "END:VEVENT");
        ImportResult r = IcsTimetable.read(ics.getBytes(StandardCharsets.UTF_8), ZoneId.of("Europe/Berlin"),
                LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31), KNOWN);
        assertEquals(List.of(), r.errors());
        // Summer time ends 2026-10-25: 08:00 local is 06:00 UTC before it, 07:00 UTC after.
        // The third weekly occurrence (11-02) is outside the window; the RDATE adds 10-31 10:00.
        assertEquals(List.of(Instant.parse("2026-10-19T06:00:00Z"), Instant.parse("2026-10-26T07:00:00Z"),
                Instant.parse("2026-10-31T09:00:00Z")), r.sessions().stream().map(SessionDraft::start).toList());
        assertThrows(IllegalArgumentException.class, () -> IcsTimetable.read(ics.getBytes(StandardCharsets.UTF_8),
                ZoneId.of("Europe/Berlin"), LocalDate.of(2026, 10, 31), LocalDate.of(2026, 10, 1), KNOWN));
    }

    @Test
    void makeUpDaysApplyOnlyToRunningEveryWeekSeries() {
        String[] common = {"X-SYNCREADY-LEAD:lead-1", "X-SYNCREADY-REMOTES:remote-1", "END:VEVENT"};
        ImportResult r = read(calendar(concat(
                new String[] {"BEGIN:VEVENT", "UID:sunday", "SUMMARY:Sunday club",
                        "DTSTART;TZID=Asia/Shanghai:20260906T140000", "DTEND;TZID=Asia/Shanghai:20260906T144500",
                        "RRULE:FREQ=WEEKLY"}, common,
                new String[] {"BEGIN:VEVENT", "UID:ended", "SUMMARY:Ended early",
                        "DTSTART;TZID=Asia/Shanghai:20260904T100000", "DTEND;TZID=Asia/Shanghai:20260904T104500",
                        "RRULE:FREQ=WEEKLY;COUNT=3"}, common,
                new String[] {"BEGIN:VEVENT", "UID:fortnightly", "SUMMARY:Fortnightly",
                        "DTSTART;TZID=Asia/Shanghai:20260904T110000", "DTEND;TZID=Asia/Shanghai:20260904T114500",
                        "RRULE:FREQ=WEEKLY;INTERVAL=2"}, common,
                new String[] {"BEGIN:VEVENT", "UID:excluded", "SUMMARY:Excluded",
                        "DTSTART;TZID=Asia/Shanghai:20260904T150000", "DTEND;TZID=Asia/Shanghai:20260904T154500",
                        "RRULE:FREQ=WEEKLY;BYDAY=FR", "EXDATE;TZID=Asia/Shanghai:20260927T150000"}, common)));
        assertEquals(List.of(), r.errors());
        // The make-up Sunday follows Friday: no Sunday club that day.
        assertEquals(List.of(shanghai("2026-09-06T14:00"), shanghai("2026-09-13T14:00"), shanghai("2026-09-20T14:00")),
                starts(r, "Sunday club"));
        // COUNT=3 ends the series on the 18th, before the make-up day.
        assertEquals(List.of(shanghai("2026-09-04T10:00"), shanghai("2026-09-11T10:00"), shanghai("2026-09-18T10:00")),
                starts(r, "Ended early"));
        // Every other week is not simply "Friday's timetable", so the make-up day does not take it (and 10-02 is past the term).
        assertEquals(List.of(shanghai("2026-09-04T11:00"), shanghai("2026-09-18T11:00")), starts(r, "Fortnightly"));
        // An EXDATE on the make-up day wins.
        assertEquals(List.of(shanghai("2026-09-04T15:00"), shanghai("2026-09-11T15:00"), shanghai("2026-09-18T15:00")),
                starts(r, "Excluded"));
    }

    private static List<Instant> starts(ImportResult r, String subject) {
        return r.sessions().stream().filter(s -> s.subject().equals(subject)).map(SessionDraft::start).toList();
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    @Test
    void semanticErrorsNameTheEventLineAndProperty() {
        ImportResult r = read(calendar(
                "BEGIN:VEVENT",                                       // 4
                "UID:no-lead",
                "DTSTART;TZID=Asia/Shanghai:20260901T080000",
                "DTEND;TZID=Asia/Shanghai:20260901T084500",
                "SUMMARY:Maths",
                "X-SYNCREADY-REMOTES:remote-1",
                "END:VEVENT",
                "BEGIN:VEVENT",                                       // 11
                "UID:bad-rooms",
                "DTSTART;TZID=Asia/Shanghai:20260901T090000",
                "DTEND;TZID=Asia/Shanghai:20260901T084500",
                "X-SYNCREADY-LEAD:lead-9",
                "X-SYNCREADY-REMOTES:remote-1|ghost|remote-1",
                "X-SYNCREADY-KIND:broadcast",
                "END:VEVENT",
                "BEGIN:VEVENT",                                       // 19
                "DTSTART;VALUE=DATE:20260902",
                "SUMMARY:Sports day",
                "X-SYNCREADY-LEAD:lead-1",
                "X-SYNCREADY-REMOTES:remote-1",
                "END:VEVENT",
                "BEGIN:VEVENT",                                       // 25
                "DTSTART;TZID=Mars/Olympus:20260901T080000",
                "DTEND;TZID=Mars/Olympus:20260901T084500",
                "SUMMARY:Astronomy",
                "X-SYNCREADY-LEAD:lead-1",
                "X-SYNCREADY-REMOTES:remote-1",
                "END:VEVENT",
                "BEGIN:VEVENT",                                       // 32
                "DTSTART:20260901T000000Z",
                "SUMMARY:Open end",
                "RRULE:FREQ=MINUTELY",
                "X-SYNCREADY-LEAD:lead-1",
                "X-SYNCREADY-REMOTES:remote-1",
                "END:VEVENT"));
        assertEquals(List.of(
                "line 4, LOCATION: missing; set LOCATION to the lead classroom (its id or name, e.g. 河西镇中心小学 三年级1班), "
                        + "add X-SYNCREADY-LEAD, or import with ?lead=CLASSROOM",
                "line 11, SUMMARY: missing; SUMMARY is the subject",
                "line 14, DTEND: the session ends at 2026-09-01 08:45 (Asia/Shanghai), not after its start 2026-09-01 09:00 (Asia/Shanghai)",
                "line 15, X-SYNCREADY-LEAD: unknown classroom 'lead-9'",
                "line 16, X-SYNCREADY-REMOTES: unknown classroom 'ghost'",
                "line 16, X-SYNCREADY-REMOTES: 'remote-1' is listed twice",
                "line 17, X-SYNCREADY-KIND: 'broadcast' is not a session kind (live/直播, recorded/录播, embedded/植入式)",
                "line 20, DTSTART: is a date without a time (all-day event); a session needs its start time",
                "line 26, DTSTART: unknown time zone or bad value: Unknown time-zone ID: Mars/Olympus",
                "line 32, DTEND: missing; give DTEND or DURATION",
                "line 35, RRULE: FREQ=MINUTELY is not a timetable recurrence (use DAILY or WEEKLY)"),
                errors(r));
        assertEquals(List.of(), r.sessions());
    }

    @Test
    void syntaxErrorsCarryTheParserLine() {
        String truncated = WEEKLY.substring(0, WEEKLY.indexOf("SUMMARY:English"));
        ImportResult t = read(truncated);
        assertEquals(1, t.errors().size());
        ImportError e = t.errors().get(0);
        assertEquals(truncated.split("\r\n").length + 1, e.line(), e.toString());
        assertTrue(e.message().startsWith("not valid iCalendar"), e.toString());
        assertEquals(List.of(), t.sessions());

        ImportResult garbage = read(WEEKLY.replace("RRULE:FREQ=WEEKLY;BYDAY=FR;", "RRULE:FREQ=FORTNIGHTLY;BYDAY=FR;"));
        assertEquals(List.of("line 9, RRULE: not valid iCalendar: Invalid value FORTNIGHTLY for FREQ"), errors(garbage));

        ImportResult badDate = read(WEEKLY.replace("DTSTART;TZID=Asia/Shanghai:20260904T080000", "DTSTART;TZID=Asia/Shanghai:2026-09-04 08:00"));
        assertEquals(1, badDate.errors().size());
        assertEquals(7, badDate.errors().get(0).line());
        assertEquals("DTSTART", badDate.errors().get(0).field());

        assertEquals(List.of("line 1, VEVENT: the calendar has no VEVENT"), errors(read(calendar())));
        assertEquals(1, read("this is not a calendar").errors().size());
    }

    @Test
    void clashesBetweenEventsAreReportedOnTheLaterEvent() {
        String second = WEEKLY.replace("UID:english-mon@school-1", "UID:clash@school-1")
                .replace("DTSTART:20260907T020000Z", "DTSTART;TZID=Asia/Shanghai:20260904T083000")
                .replace("RRULE:FREQ=WEEKLY\r\n", "")
                .replace("EXDATE:20260914T020000Z\r\n", "")
                .replace("LOCATION:lead-2", "X-SYNCREADY-LEAD:lead-1");
        ImportResult r = read(second);
        assertEquals(List.of("line 16, X-SYNCREADY-LEAD: classroom 'lead-1' is already in the session of line 4 at "
                + "2026-09-04 08:00–08:45 (Asia/Shanghai)"), errors(r));
        assertEquals(4, r.sessions().size(), "the first event keeps its occurrences");
    }

    @Test
    void sameFileTwiceGivesEqualDrafts() {
        assertEquals(read(WEEKLY), read(WEEKLY));
        List<Instant> starts = read(WEEKLY).sessions().stream().map(SessionDraft::start).toList();
        assertEquals(starts.stream().sorted().toList(), starts);
    }

    @Test
    void windowsZoneNamesAndFloatingTimes() {
        ImportResult r = read(calendar(
                "BEGIN:VEVENT", "UID:outlook", "SUMMARY:Outlook export",
                "DTSTART;TZID=China Standard Time:20260901T080000", "DTEND;TZID=China Standard Time:20260901T084500",
                "X-SYNCREADY-LEAD:lead-1", "X-SYNCREADY-REMOTES:remote-1", "END:VEVENT",
                "BEGIN:VEVENT", "UID:floating", "SUMMARY:Floating",
                "DTSTART:20260902T080000", "DTEND:20260902T084500",
                "X-SYNCREADY-LEAD:lead-1", "X-SYNCREADY-REMOTES:remote-1", "END:VEVENT"));
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(shanghai("2026-09-01T08:00"), shanghai("2026-09-02T08:00")),
                r.sessions().stream().map(SessionDraft::start).toList());
    }
}
