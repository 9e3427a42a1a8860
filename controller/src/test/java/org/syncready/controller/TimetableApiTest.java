package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Terms and timetable import over HTTP: dry run, import, re-import, bad files, iCalendar. */
class TimetableApiTest {
    private static final String TERM = """
            {"id":"2026-09","name":"2026年9月","firstDay":"2026-09-01","lastDay":"2026-09-30",
             "holidays":["2026-09-25"],"makeUpDays":{"2026-09-27":"friday"},
             "periods":{"1":{"start":"08:00","end":"08:45"},"2":{"start":"09:00","end":"09:45"}}}""";
    private static final String CSV = """
            星期,节次,科目,教师,类型,主讲教室,听课教室
            周五,1,数学,王丽,直播,lead-g1,rural-g1；rural-g2
            周一,2,英语,,录播,lead-g1,rural-g1
            """;

    @TempDir
    static Path data;
    static ControllerFixture api;

    @BeforeAll
    static void start() throws Exception {
        api = ControllerFixture.withLeadAndTwoRuralClassrooms(data);
        assertEquals(200, api.post("/api/v1/terms", TERM).status());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static List<String> starts(String subject) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode s : api.get("/api/v1/sessions?from=2026-09-01&to=2026-10-01").body()) {
            if (s.path("subject").asText().equals(subject)) {
                out.add(s.path("start").asText());
            }
        }
        return out;
    }

    private static ControllerFixture.Response importCsv(String query, byte[] csv) throws Exception {
        return api.postBytes("/api/v1/sessions/import?" + query, "text/csv", csv);
    }

    @Test
    void aGbkTimetableIsPreviewedImportedOnceAndReimportedWithoutDuplicates() throws Exception {
        byte[] gbk = CSV.getBytes(Charset.forName("GBK"));
        JsonNode dry = importCsv("term=2026-09&dryRun=true", gbk).body();
        // Fridays 4, 11, 18 and the make-up Sunday 27 (not the 25th holiday); Mondays 7, 14, 21, 28.
        assertEquals(8, dry.path("create").asInt(), dry.toString());
        assertEquals(List.of(), starts("数学"), "a dry run stores nothing");

        JsonNode done = importCsv("term=2026-09", gbk).body();
        assertEquals(8, done.path("create").asInt());
        assertEquals(List.of("2026-09-04T08:00+08:00", "2026-09-11T08:00+08:00", "2026-09-18T08:00+08:00",
                "2026-09-27T08:00+08:00"), starts("数学"));
        assertEquals(4, starts("英语").size());

        JsonNode again = importCsv("term=2026-09", CSV.getBytes(StandardCharsets.UTF_8)).body();
        assertEquals(0, again.path("create").asInt());
        assertEquals(8, again.path("unchanged").asInt());
        assertEquals(4, starts("数学").size(), "no duplicates");
    }

    @Test
    void aFileWithBadRowsImportsNothingUnlessAskedToSkipThem() throws Exception {
        String bad = """
                weekday,period,subject,lead_classroom,remote_classrooms
                Tue,1,Science,lead-g1,rural-g1
                Funday,1,Art,lead-g1,rural-g2
                Wed,7,Music,lead-g1,rural-g2
                """;
        ControllerFixture.Response refused = importCsv("term=2026-09", bad.getBytes(StandardCharsets.UTF_8));
        assertEquals(422, refused.status(), refused.text());
        JsonNode errors = refused.body().path("errors");
        assertEquals(2, errors.size(), errors.toString());
        assertEquals(3, errors.get(0).path("line").asInt());
        assertEquals("weekday", errors.get(0).path("field").asText());
        assertEquals(4, errors.get(1).path("line").asInt());
        assertEquals("period", errors.get(1).path("field").asText());
        assertTrue(refused.body().path("message").asText().contains("nothing was imported"));
        assertEquals(List.of(), starts("Science"));

        JsonNode skipped = importCsv("term=2026-09&skipBadRows=true", bad.getBytes(StandardCharsets.UTF_8)).body();
        assertEquals(5, skipped.path("create").asInt(), "the five Tuesdays of the good row");
        assertEquals(2, skipped.path("errors").size());
    }

    @Test
    void aDryRunOfTwoThousandRowsInOneSlotListsTheFirstHundredProblemsWithTheirCount() throws Exception {
        StringBuilder csv = new StringBuilder("weekday,period,subject,lead_classroom,remote_classrooms\n");
        for (int i = 0; i < 2_000; i++) {
            csv.append("Tue,2,Physics ").append(i).append(",lead-g1,rural-g1\n");
        }
        ControllerFixture.Response refused = importCsv("term=2026-09&dryRun=true", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(422, refused.status(), refused.text());
        assertEquals(100, refused.body().path("errors").size());
        assertEquals(1_999, refused.body().path("errorCount").asInt());
        assertTrue(refused.body().path("errorsTruncated").asBoolean());
        assertTrue(refused.body().path("message").asText().startsWith("1999 problem(s) in the file, the first 100 listed"),
                refused.text());

        JsonNode skipped = importCsv("term=2026-09&dryRun=true&skipBadRows=true", csv.toString().getBytes(StandardCharsets.UTF_8)).body();
        assertEquals(5, skipped.path("create").asInt(), "the five Tuesdays of the first row");
        assertEquals(1_999, skipped.path("errorCount").asInt());
        assertEquals(List.of(), starts("Physics 0"), "a dry run stores nothing");
        assertEquals(200, api.get("/health").status(), "the controller is still well");
    }

    @Test
    void requestsThatCannotBeImportedSayWhy() throws Exception {
        assertEquals(404, importCsv("term=1999", CSV.getBytes(StandardCharsets.UTF_8)).status());
        ControllerFixture.Response noTerm = importCsv("", CSV.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, noTerm.status());
        assertTrue(noTerm.body().path("message").asText().contains("'term'"));
        assertEquals(400, importCsv("term=2026-09&dryRun=maybe", CSV.getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(400, importCsv("term=2026-09", new byte[0]).status());

        ControllerFixture.Response badTerm = api.post("/api/v1/terms", TERM.replace("2026-09-25", "2026-13-01"));
        assertEquals(400, badTerm.status());
        assertTrue(badTerm.body().path("problems").get(0).path("field").asText().startsWith("holidays"), badTerm.text());
    }

    @Test
    void anIcsSeriesIsExpandedBetweenDates() throws Exception {
        String ics = """
                BEGIN:VCALENDAR
                VERSION:2.0
                PRODID:-//test//EN
                BEGIN:VEVENT
                UID:sci@test
                DTSTAMP:20260801T000000Z
                DTSTART;TZID=Asia/Shanghai:20261005T140000
                DTEND;TZID=Asia/Shanghai:20261005T144500
                RRULE:FREQ=WEEKLY;COUNT=4
                EXDATE;TZID=Asia/Shanghai:20261012T140000
                SUMMARY:科学
                X-SYNCREADY-LEAD:lead-g1
                X-SYNCREADY-REMOTES:rural-g2
                END:VEVENT
                END:VCALENDAR
                """.replace("\n", "\r\n");
        ControllerFixture.Response r = api.postBytes("/api/v1/sessions/import?from=2026-10-01&to=2026-10-31",
                "text/calendar", ics.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.status(), r.text());
        assertEquals(3, r.body().path("create").asInt());
        assertEquals(3, api.get("/api/v1/sessions?from=2026-10-01&to=2026-11-01").body().size());
        ControllerFixture.Response truncated = api.postBytes("/api/v1/sessions/import?from=2026-10-01&to=2026-10-31",
                "text/calendar", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026".getBytes(StandardCharsets.UTF_8));
        assertEquals(422, truncated.status(), truncated.text());
        assertTrue(truncated.body().path("errors").get(0).path("line").asInt() > 0);
    }
}
