package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.syncready.controller.schedule.TermCalendarTest.MAPPER;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CsvTimetableTest {
    static final Set<String> ROOMS = Set.of("lead-1", "lead-2", "remote-1", "remote-2", "remote-3");
    static final Predicate<String> KNOWN = ROOMS::contains;

    static final String ENGLISH = """
            weekday,period,start,end,subject,teacher,kind,lead_classroom,remote_classrooms
            Fri,1,,,Mathematics,Wang Li,live,lead-1,remote-1;remote-2
            1,,10:00,10:45,English,,recorded,lead-2,remote-3
            """;

    /** The same timetable as a school in zh-CN writes it, with a ignored extra column (班级). */
    static final String CHINESE = """
            星期,节次,开始,结束,科目,教师,类型,主讲教室,听课教室,班级
            周五,1,,,Mathematics,Wang Li,直播,lead-1,remote-1；remote-2,七年级1班
            星期一,,10:00,10:45,English,,录播,lead-2,remote-3,七年级2班
            """;

    static ImportResult read(String csv) {
        return CsvTimetable.read(csv.getBytes(StandardCharsets.UTF_8), TermCalendarTest.september(), KNOWN);
    }

    static Instant shanghai(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(ZoneId.of("Asia/Shanghai")).toInstant();
    }

    static List<String> errors(ImportResult r) {
        return r.errors().stream().map(ImportError::toString).toList();
    }

    @Test
    void weeklyRowsExpandOverTheTermWithHolidayAndMakeUpDay() {
        ImportResult r = read(ENGLISH);
        assertEquals(List.of(), r.errors());
        List<SessionDraft> maths = r.sessions().stream().filter(s -> s.subject().equals("Mathematics")).toList();
        // Friday 2026-09-25 is a holiday; Sunday 2026-09-27 follows Friday's timetable.
        assertEquals(List.of(shanghai("2026-09-04T08:00"), shanghai("2026-09-11T08:00"), shanghai("2026-09-18T08:00"),
                shanghai("2026-09-27T08:00")), maths.stream().map(SessionDraft::start).toList());
        assertEquals(List.of(shanghai("2026-09-04T08:45"), shanghai("2026-09-11T08:45"), shanghai("2026-09-18T08:45"),
                shanghai("2026-09-27T08:45")), maths.stream().map(SessionDraft::end).toList());
        SessionDraft first = maths.get(0);
        assertEquals("lead-1", first.leadClassroomId());
        assertEquals(List.of("remote-1", "remote-2"), first.remoteClassroomIds());
        assertEquals("Wang Li", first.teacher());
        assertEquals(SessionKind.LIVE, first.kind());
        assertEquals("line 2", first.source());
        // 08:00 in Asia/Shanghai is 00:00 UTC: the zone has no daylight saving time.
        assertEquals(Instant.parse("2026-09-04T00:00:00Z"), first.start());

        List<SessionDraft> english = r.sessions().stream().filter(s -> s.subject().equals("English")).toList();
        assertEquals(List.of(shanghai("2026-09-07T10:00"), shanghai("2026-09-14T10:00"), shanghai("2026-09-21T10:00"),
                shanghai("2026-09-28T10:00")), english.stream().map(SessionDraft::start).toList());
        assertEquals(null, english.get(0).teacher());
        assertEquals(SessionKind.RECORDED, english.get(0).kind());
        assertEquals(8, r.sessions().size());
    }

    @Test
    void chineseHeadersUtf8BomAndGbkGiveTheSameSessions() {
        List<SessionDraft> english = withoutSource(read(ENGLISH).sessions());
        Charset gbk = Charset.forName("GBK");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] utf8 = CHINESE.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + utf8.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(utf8, 0, withBom, bom.length, utf8.length);
        byte[] gbkBytes = CHINESE.getBytes(gbk);
        assertTrue(!java.util.Arrays.equals(gbkBytes, utf8), "the GBK file really is GBK");
        for (byte[] file : List.of(utf8, withBom, gbkBytes, ENGLISH.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8))) {
            ImportResult r = CsvTimetable.read(file, TermCalendarTest.september(), KNOWN);
            assertEquals(List.of(), r.errors());
            assertEquals(english, withoutSource(r.sessions()));
        }
        // A BOM must not stick to the first header name (it would make 星期 unknown and the file "missing" a column).
        ImportResult gbkErrors = CsvTimetable.read(CHINESE.replace("周五", "周八").getBytes(gbk), TermCalendarTest.september(), KNOWN);
        assertEquals(List.of("line 2, 星期: '周八' is not a weekday (1-7, Mon..Sun, 周一..周日)"), errors(gbkErrors));
    }

    private static List<SessionDraft> withoutSource(List<SessionDraft> drafts) {
        return drafts.stream().map(d -> new SessionDraft(d.leadClassroomId(), d.remoteClassroomIds(), d.subject(), d.teacher(),
                d.kind(), d.start(), d.end(), "")).collect(Collectors.toList());
    }

    @Test
    void oneOffRowsDoublePeriodsAndExcelDates() {
        ImportResult r = read("""
                date,period,subject,lead_classroom,remote_classrooms
                2026/9/26,2-3,Physics lab,lead-1,remote-1|remote-2、remote-3
                2026-09-30,3,Music,lead-2,remote-3
                """);
        assertEquals(List.of(), r.errors());
        assertEquals(2, r.sessions().size());
        SessionDraft lab = r.sessions().get(0);
        assertEquals(shanghai("2026-09-26T08:55"), lab.start());
        assertEquals(shanghai("2026-09-26T10:45"), lab.end());
        assertEquals(List.of("remote-1", "remote-2", "remote-3"), lab.remoteClassroomIds());
    }

    @Test
    void badRowsGetLineAndFieldAndGoodRowsStillExpand() {
        ImportResult r = read("""
                weekday,period,start,end,subject,kind,lead_classroom,remote_classrooms
                Mnday,1,,,Maths,live,lead-1,remote-1
                Tue,,8:00,8:6,Maths,live,lead-1,remote-1
                Wed,9,,,Maths,live,lead-1,remote-1
                Thu,,09:00,08:00,Maths,live,lead-1,remote-1
                Fri,1,,,Maths,streaming,lead-1,remote-1
                Fri,2,,,Maths,live,lab-9,remote-1;ghost
                Fri,3,,,,live,,remote-1;remote-1
                Mon,1,,,Maths,live,lead-1,lead-1
                "Tue",2,,,"Maths
                (double line)",live,lead-2,remote-2
                Tue,2,,,Chemistry,live,lead-2,remote-3
                Wed,1,,,Art,live,lead-1,remote-2
                """);
        assertEquals(List.of(
                "line 2, weekday: 'Mnday' is not a weekday (1-7, Mon..Sun, 周一..周日)",
                "line 3, end: '8:6' is not a time (HH:mm)",
                "line 4, period: period 9 is not in term 2026-autumn-sep (periods 1-3)",
                "line 5, end: 08:00 is not after start 09:00",
                "line 6, kind: 'streaming' is not a session kind (live/直播, recorded/录播, embedded/植入式)",
                "line 7, lead_classroom: unknown classroom 'lab-9'",
                "line 7, remote_classrooms: unknown classroom 'ghost'",
                "line 8, lead_classroom: is empty; every session needs its lead classroom",
                "line 8, remote_classrooms: 'remote-1' is listed twice",
                "line 8, subject: is empty",
                "line 9, remote_classrooms: 'lead-1' is the lead classroom; it cannot also be a remote one",
                // The quoted subject spans lines 10-11, so the next record is line 12.
                "line 12, lead_classroom: classroom 'lead-2' is already in the session of line 10 at 2026-09-01 08:55–09:40 (Asia/Shanghai)"),
                errors(r));
        // Lines 10 and 13 are good; the caller decides whether to import them.
        assertEquals(Set.of("line 10", "line 13"), r.sessions().stream().map(SessionDraft::source).collect(Collectors.toSet()));
        assertEquals("Maths\n(double line)", r.sessions().stream().filter(s -> s.source().equals("line 10")).findFirst()
                .orElseThrow().subject());
    }

    @Test
    void missingColumnsAreLineOneErrors() {
        ImportResult r = read("""
                weekday,start,subject,teacher
                Mon,08:00,Maths,Wang
                """);
        assertEquals(List.of(), r.sessions());
        assertEquals(List.of(
                "line 1, end/结束: missing column: need period/节次 or both start/开始 and end/结束",
                "line 1, lead_classroom/主讲教室: missing column lead_classroom/主讲教室",
                "line 1, remote_classrooms/听课教室: missing column remote_classrooms/听课教室"),
                errors(r).stream().sorted().toList());
        assertEquals(List.of("line 1: the file is empty; expected a header line"), errors(read("")));
        ImportResult twice = read("subject,科目,weekday,period,lead_classroom,remote_classrooms\nMaths,Maths,Mon,1,lead-1,remote-1\n");
        assertEquals(List.of("line 1, 科目: column subject/科目 appears twice (\"subject\" and \"科目\")"), errors(twice));
        ImportResult unterminated = read("weekday,period,subject,lead_classroom,remote_classrooms\nMon,1,Art,lead-1,remote-1\n"
                + "Mon,2,\"Maths,lead-1,remote-1\nTue,1,Art,lead-1,remote-1\n");
        assertEquals(List.of("line 3: unreadable CSV: a quoted value starting on this line is never closed (a \" is missing)"),
                errors(unterminated));
        assertEquals(List.of(), unterminated.sessions());
    }

    @Test
    void remoteClassroomsAlsoClashAcrossRows() {
        ImportResult r = read("""
                weekday,period,subject,lead_classroom,remote_classrooms
                Mon,1,Maths,lead-1,remote-1
                Mon,1,English,lead-2,remote-1;remote-2
                Mon,2,Maths,lead-1,remote-1
                """);
        assertEquals(List.of("line 3, remote_classrooms: classroom 'remote-1' is already in the session of line 2 at "
                + "2026-09-07 08:00–08:45 (Asia/Shanghai)"), errors(r));
        assertEquals(8, r.sessions().size(), "lines 2 and 4, four Mondays each");
    }

    @Test
    void twoThousandRowsInOneSlotListTheFirstHundredProblemsAndCountAll() {
        // Once a 30 KB dry run: one error per pair of rows (two million), and the controller ran out of memory.
        StringBuilder csv = new StringBuilder("date,start,end,subject,lead_classroom,remote_classrooms\n");
        for (int i = 0; i < 2_000; i++) {
            csv.append("2026-09-07,08:00,08:45,Maths ").append(i).append(",lead-1,remote-1\n");
        }
        ImportResult r = read(csv.toString());
        assertEquals(1_999, r.errorCount(), "one problem per row after the first");
        assertEquals(ImportResult.MAX_LISTED_ERRORS, r.errors().size());
        assertEquals(3, r.errors().get(0).line(), "line 2 is the first row and keeps its slot");
        assertEquals(102, r.errors().get(99).line(), "the first problems in file order are listed");
        assertEquals("line 3, lead_classroom: classroom 'lead-1' is already in the session of line 2 at "
                + "2026-09-07 08:00–08:45 (Asia/Shanghai)", r.errors().get(0).toString());
        assertEquals(List.of("line 2"), r.sessions().stream().map(SessionDraft::source).toList());
    }

    @Test
    void manyBadRowsAreCountedButOnlyTheFirstListed() {
        StringBuilder csv = new StringBuilder("weekday,period,subject,lead_classroom,remote_classrooms\n");
        for (int i = 0; i < 500; i++) {
            csv.append("Mnday,1,Maths,lab-").append(i).append(",remote-1\n");
        }
        ImportResult r = read(csv.toString());
        assertEquals(1_000, r.errorCount(), "a bad weekday and an unknown lead on every row");
        assertEquals(ImportResult.MAX_LISTED_ERRORS, r.errors().size());
        assertEquals(List.of(2, 2, 3, 3), r.errors().subList(0, 4).stream().map(ImportError::line).toList());
        assertEquals(51, r.errors().get(99).line());
    }

    @Test
    void anotherZoneAcrossItsDaylightSavingChange() {
        TermCalendar berlin = TermCalendar.fromJson(MAPPER, """
                {"id":"berlin-exchange","timeZone":"Europe/Berlin","firstDay":"2026-10-19","lastDay":"2026-10-30",
                 "periods":{"1":{"start":"08:00","end":"08:45"}}}
                """);
        ImportResult r = CsvTimetable.read("weekday,period,subject,lead_classroom,remote_classrooms\nMon,1,Maths,lead-1,remote-1\n"
                .getBytes(StandardCharsets.UTF_8), berlin, KNOWN);
        // Summer time ends on 2026-10-25: 08:00 local is 06:00 UTC before and 07:00 UTC after.
        assertEquals(List.of(Instant.parse("2026-10-19T06:00:00Z"), Instant.parse("2026-10-26T07:00:00Z")),
                r.sessions().stream().map(SessionDraft::start).toList());
    }

    @Test
    void sameFileTwiceGivesEqualDraftsUniqueByLeadAndStart() {
        ImportResult a = read(ENGLISH);
        ImportResult b = CsvTimetable.read(ENGLISH.getBytes(StandardCharsets.UTF_8), TermCalendarTest.september(), KNOWN);
        assertEquals(a, b);
        Set<String> keys = new HashSet<>();
        for (SessionDraft d : a.sessions()) {
            assertTrue(keys.add(d.leadClassroomId() + "@" + d.start()), "duplicate " + d);
        }
        List<Instant> starts = a.sessions().stream().map(SessionDraft::start).toList();
        assertEquals(starts.stream().sorted().toList(), starts, "drafts come sorted by start");
    }

    @Test
    void oneOffRowsOutsideTheTermOrOnHolidaysAreErrors() {
        ImportResult r = read("""
                date,weekday,start,end,subject,lead_classroom,remote_classrooms
                2026-09-25,,08:00,08:45,Maths,lead-1,remote-1
                2026-10-08,,08:00,08:45,Maths,lead-1,remote-1
                2026-02-30,,08:00,08:45,Maths,lead-1,remote-1
                2026-09-01,Tue,08:00,08:45,Maths,lead-1,remote-1
                ,,08:00,08:45,Maths,lead-1,remote-1
                """);
        assertEquals(List.of(
                "line 2, date: 2026-09-25 is a holiday in term 2026-autumn-sep",
                "line 3, date: 2026-10-08 is outside the term 2026-09-01..2026-09-30",
                "line 4, date: '2026-02-30' is not a date (yyyy-MM-dd)",
                "line 5, date: give a weekday or a date, not both",
                "line 6, weekday: is empty; give a weekday (weekly row) or a date (one-off row)"), errors(r));
        assertEquals(List.of(), r.sessions());
    }

    @Test
    void tabSeparatedUnicodeTextExportIsReadToo() {
        // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated.
        byte[] utf16 = CHINESE.replace(',', '\t').getBytes(StandardCharsets.UTF_16LE);
        byte[] file = new byte[utf16.length + 2];
        file[0] = (byte) 0xFF;
        file[1] = (byte) 0xFE;
        System.arraycopy(utf16, 0, file, 2, utf16.length);
        ImportResult r = CsvTimetable.read(file, TermCalendarTest.september(), KNOWN);
        assertEquals(List.of(), r.errors());
        assertEquals(withoutSource(read(ENGLISH).sessions()), withoutSource(r.sessions()));
    }

    @Test
    void templateHeadersWithStarsHintsAndCase() {
        ImportResult r = read("""
                *Weekday,Start Time (HH:mm),结束时间（HH:mm）,*Subject,*主讲教室,*听课教室
                Friday,08:00,08:45,Mathematics,lead-1,remote-1
                """);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(shanghai("2026-09-04T08:00"), shanghai("2026-09-11T08:00"), shanghai("2026-09-18T08:00"),
                shanghai("2026-09-27T08:00")), r.sessions().stream().map(SessionDraft::start).toList());
    }
}
