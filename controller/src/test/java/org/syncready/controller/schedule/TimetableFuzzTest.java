package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the timetable importers (docs/FUZZING.md): whatever file a school
 * uploads, the CSV and iCalendar readers return sessions and line-numbered errors, never an exception,
 * and what they return keeps their promises: at most 100 errors listed with the total, every session
 * between known classrooms with an end after its start, no classroom in two sessions at once.
 *
 * <p>Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/org/syncready/controller/schedule/TimetableFuzzTestInputs/} (regression mode).
 */
class TimetableFuzzTest {
    private static final TermCalendar TERM = TermCalendarTest.september();
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final AtomicLong RUNS = new AtomicLong();
    private static volatile long firstRunNanos;

    @AfterAll
    static void report() {
        double seconds = (System.nanoTime() - firstRunNanos) / 1e9;
        System.out.printf("fuzz TimetableFuzzTest: %d executions in %.1f s (%.0f/s)%n", RUNS.get(), seconds, RUNS.get() / seconds);
    }

    private static void counted() {
        if (RUNS.getAndIncrement() == 0) {
            firstRunNanos = System.nanoTime();
        }
    }

    // libFuzzer's dictionary format cannot hold control characters or quotes: the seeds bring those.
    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"weekday", "date", "period", "start", "end", "subject", "teacher", "kind", "lead_classroom",
            "remote_classrooms", "星期", "节次", "主讲教室", "听课教室", "周五", "直播", "lead-1", "lead-2", "remote-1",
            "remote-2", "remote-3", "2026-09-07", "08:00", "08:45", "Mon", "1-2", ";", "|"})
    void csv(byte[] file) {
        counted();
        check(CsvTimetable.read(file, TERM, CsvTimetableTest.KNOWN));
    }

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "DTSTART;TZID=Asia/Shanghai:",
            "DTEND:", "DURATION:PT45M", "RRULE:FREQ=WEEKLY", ";BYDAY=MO,FR", ";COUNT=", ";UNTIL=", ";INTERVAL=2",
            "EXDATE:", "RDATE:", "SUMMARY:", "UID:", "LOCATION:", "X-SYNCREADY-LEAD:", "X-SYNCREADY-REMOTES:",
            "X-SYNCREADY-KIND:", "20260907T080000", "20260907T020000Z", "BEGIN:VTIMEZONE", "lead-1", "remote-1"})
    void ics(byte[] file) {
        counted();
        check(IcsTimetable.read(file, TERM, CsvTimetableTest.KNOWN));
        check(IcsTimetable.read(file, ZONE, LocalDate.of(2026, 9, 1), LocalDate.of(2026, 12, 31), CsvTimetableTest.KNOWN));
    }

    private static void check(ImportResult r) {
        assertTrue(r.errors().size() <= ImportResult.MAX_LISTED_ERRORS, "listed " + r.errors().size());
        assertTrue(r.errorCount() >= r.errors().size());
        for (ImportError e : r.errors()) {
            assertTrue(e.line() >= 1, e.toString());
            assertFalse(e.message() == null || e.message().isBlank(), e.toString());
        }
        Map<String, List<SessionDraft>> byRoom = new HashMap<>();
        for (SessionDraft s : r.sessions()) {
            assertTrue(s.end().isAfter(s.start()), s.toString());
            assertTrue(Duration.between(s.start(), s.end()).compareTo(SessionStore.MAX_DURATION) <= 0, s.toString());
            assertTrue(CsvTimetableTest.KNOWN.test(s.leadClassroomId()), s.toString());
            assertFalse(s.remoteClassroomIds().isEmpty(), s.toString());
            assertFalse(s.remoteClassroomIds().contains(s.leadClassroomId()), s.toString());
            assertFalse(s.subject() == null || s.subject().isBlank(), s.toString());
            byRoom.computeIfAbsent(s.leadClassroomId(), k -> new ArrayList<>()).add(s);
            for (String room : s.remoteClassroomIds()) {
                assertTrue(CsvTimetableTest.KNOWN.test(room), s.toString());
                byRoom.computeIfAbsent(room, k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, List<SessionDraft>> e : byRoom.entrySet()) {
            List<SessionDraft> list = e.getValue();
            list.sort(Comparator.comparing(SessionDraft::start));
            for (int i = 1; i < list.size(); i++) {
                assertFalse(list.get(i).start().isBefore(list.get(i - 1).end()),
                        "classroom " + e.getKey() + " in two sessions: " + list.get(i - 1) + " and " + list.get(i));
            }
        }
    }
}
