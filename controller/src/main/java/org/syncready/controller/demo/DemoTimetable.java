package org.syncready.controller.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.refusal.Refusal;
import org.syncready.controller.schedule.ImportPlan;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;

/**
 * The demo's timetable. First, classes laid out around the moment the demo starts, so that a
 * newcomer at any hour sees verdicts and reasons rather than a board of UNKNOWN: two finished in the
 * last hour (one of them grade 4, whose flaky microphone went silent: see {@link DemoHistory}), one in class
 * now (grade 4 again), and three starting in the next
 * hour, whose T-30 and T-5 checks are still to come. Then the school day, today and tomorrow in the
 * bureau's time zone: seven periods from 08:00 to 16:45, two grades per period, each led from the
 * county school to the same grade of the three rural schools. A school-day class that would share a
 * classroom with one of the classes around now is left out (a classroom is in one session at a time).
 * Imported like any timetable, so starting the demo again adds nothing twice.
 */
public final class DemoTimetable {
    private static final Logger log = LoggerFactory.getLogger(DemoTimetable.class);
    private static final List<LocalTime> PERIODS = List.of(LocalTime.of(8, 0), LocalTime.of(9, 0), LocalTime.of(10, 0),
            LocalTime.of(11, 0), LocalTime.of(14, 0), LocalTime.of(15, 0), LocalTime.of(16, 0));
    private static final List<String> SUBJECTS = List.of("数学 Mathematics", "语文 Chinese", "英语 English", "科学 Science",
            "音乐 Music", "美术 Art", "道德与法治 Ethics");
    private static final List<String> TEACHERS = List.of("王老师", "李老师", "张老师", "刘老师", "陈老师", "杨老师", "赵老师");
    private static final Duration LESSON = Duration.ofMinutes(45);

    /** Classes around the start: (grade, minutes from the start to the class's start), 40 minutes each. */
    private static final int[][] AROUND_NOW = {{4, -80}, {5, -55}, {4, -15}, {5, 10}, {3, 25}, {4, 40}};
    private static final Duration AROUND_NOW_LESSON = Duration.ofMinutes(40);

    private DemoTimetable() {
    }

    public static void schedule(SessionStore sessions, Clock clock, ZoneId zone) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.now(clock.withZone(zone));
        List<SessionDraft> wanted = new ArrayList<>(aroundNow(now));
        wanted.addAll(schoolDay(today, zone));
        wanted.addAll(schoolDay(today.plusDays(1), zone));

        List<SessionDraft> kept = new ArrayList<>();
        int skipped = 0;
        for (SessionDraft d : wanted) {
            if (clashesWithKept(d, kept) || !fits(sessions, d)) {
                skipped++;
            } else {
                kept.add(d);
            }
        }
        ImportPlan plan = sessions.plan(kept);
        sessions.apply(plan);
        log.info("demo timetable around {} and for {} and {}: {} sessions added, {} already there, {} left out "
                        + "(a classroom already in class then)", now.truncatedTo(ChronoUnit.MINUTES), today, today.plusDays(1),
                plan.create().size(), plan.unchanged() + plan.update().size(), skipped);
    }

    /** The classes around {@code now}, on a 5-minute grid so that a restart a minute later finds the same ones. */
    static List<SessionDraft> aroundNow(Instant now) {
        Instant anchor = Instant.ofEpochSecond(now.getEpochSecond() / 300 * 300);
        List<SessionDraft> drafts = new ArrayList<>();
        for (int i = 0; i < AROUND_NOW.length; i++) {
            int grade = AROUND_NOW[i][0];
            Instant start = anchor.plus(Duration.ofMinutes(AROUND_NOW[i][1]));
            drafts.add(draft(grade, i % SUBJECTS.size(), start, start.plus(AROUND_NOW_LESSON), SessionKind.LIVE));
        }
        return drafts;
    }

    static List<SessionDraft> schoolDay(LocalDate day, ZoneId zone) {
        List<SessionDraft> drafts = new ArrayList<>();
        for (int p = 0; p < PERIODS.size(); p++) {
            for (int g : new int[] {3 + p % 3, 3 + (p + 1) % 3}) {
                Instant start = day.atTime(PERIODS.get(p)).atZone(zone).toInstant();
                drafts.add(draft(g, (p + g) % SUBJECTS.size(), start, start.plus(LESSON),
                        p == 3 ? SessionKind.RECORDED : SessionKind.LIVE));
            }
        }
        return drafts;
    }

    private static SessionDraft draft(int grade, int subject, Instant start, Instant end, SessionKind kind) {
        return new SessionDraft(DemoBureau.SCHOOLS.get(0).classroomPrefix() + "-g" + grade,
                DemoBureau.SCHOOLS.subList(1, DemoBureau.SCHOOLS.size()).stream().map(s -> s.classroomPrefix() + "-g" + grade).toList(),
                SUBJECTS.get(subject), TEACHERS.get(subject), kind, start, end, "demo timetable");
    }

    private static boolean clashesWithKept(SessionDraft d, List<SessionDraft> kept) {
        for (SessionDraft k : kept) {
            boolean overlap = d.start().isBefore(k.end()) && k.start().isBefore(d.end());
            if (overlap && (k.leadClassroomId().equals(d.leadClassroomId()) || k.remoteClassroomIds().stream()
                    .anyMatch(d.remoteClassroomIds()::contains))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the stored timetable takes {@code d} (new, the same, or a change of the same class). */
    private static boolean fits(SessionStore sessions, SessionDraft d) {
        try {
            sessions.plan(List.of(d));
            return true;
        } catch (Refusal e) {
            return false;
        }
    }
}
