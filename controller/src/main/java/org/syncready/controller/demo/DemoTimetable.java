package org.syncready.controller.demo;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.syncready.controller.schedule.ImportPlan;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's school day, today and tomorrow in the bureau's time zone: seven periods from 08:00 to
 * 16:45, two grades per period, each led from the county school to the same grade of the three
 * rural schools. Imported like any timetable, so starting the demo again adds nothing twice.
 */
public final class DemoTimetable {
    private static final Logger log = LoggerFactory.getLogger(DemoTimetable.class);
    private static final List<LocalTime> PERIODS = List.of(LocalTime.of(8, 0), LocalTime.of(9, 0), LocalTime.of(10, 0),
            LocalTime.of(11, 0), LocalTime.of(14, 0), LocalTime.of(15, 0), LocalTime.of(16, 0));
    private static final List<String> SUBJECTS = List.of("数学 Mathematics", "语文 Chinese", "英语 English", "科学 Science",
            "音乐 Music", "美术 Art", "道德与法治 Ethics");
    private static final List<String> TEACHERS = List.of("王老师", "李老师", "张老师", "刘老师", "陈老师", "杨老师", "赵老师");

    private DemoTimetable() {
    }

    public static void schedule(SessionStore sessions, Clock clock, ZoneId zone) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        List<SessionDraft> drafts = new ArrayList<>();
        for (LocalDate day : List.of(today, today.plusDays(1))) {
            for (int p = 0; p < PERIODS.size(); p++) {
                for (int g : new int[] {3 + p % 3, 3 + (p + 1) % 3}) {
                    var start = day.atTime(PERIODS.get(p)).atZone(zone).toInstant();
                    int i = (p + g) % SUBJECTS.size();
                    drafts.add(new SessionDraft(DemoBureau.SCHOOLS.get(0).classroomPrefix() + "-g" + g,
                            DemoBureau.SCHOOLS.subList(1, DemoBureau.SCHOOLS.size()).stream().map(s -> s.classroomPrefix() + "-g" + g).toList(),
                            SUBJECTS.get(i), TEACHERS.get(i), p == 3 ? SessionKind.RECORDED : SessionKind.LIVE,
                            start, start.plusSeconds(45 * 60), "demo timetable"));
                }
            }
        }
        ImportPlan plan = sessions.plan(drafts);
        sessions.apply(plan);
        log.info("demo timetable for {} and {}: {} sessions added, {} already there", today, today.plusDays(1),
                plan.create().size(), plan.unchanged() + plan.update().size());
    }
}
