package org.syncready.controller.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.readiness.CheckStore;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.SelftestOutcome;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/**
 * What the checks of the demo's classes around its start would have found had the controller been
 * running: their T-30 and T-5 checks, and for the classes with the flaky microphone ({@code shanbei-g4}'s
 * room microphone) an AT_RISK at T-5 and 40 seconds of silence twelve minutes into class. Without
 * it, a newcomer's board would open with those classes "not checked". Written once per class (a class
 * that has checks is left alone) and only for classes of the demo timetable.
 */
public final class DemoHistory {
    private static final Logger log = LoggerFactory.getLogger(DemoHistory.class);
    static final String FLAKY_CLASSROOM = "shanbei-g4";
    private static final Reason SILENT = Reason.silentMicrophone("mic-room", "room", -78.0, Severity.WARNING);

    private DemoHistory() {
    }

    public static void recordAroundNow(SessionStore sessions, CheckStore checks, Clock clock) {
        Instant now = clock.instant();
        int written = 0;
        for (SyncSession s : sessions.overlapping(now.minus(Duration.ofHours(3)), now)) {
            if (!"demo timetable".equals(s.source()) || s.start().isAfter(now) || !checks.checks(s.id()).isEmpty()) {
                continue;
            }
            boolean flaky = s.remoteClassroomIds().contains(FLAKY_CLASSROOM);
            checks.saveCheck(check(s, "T-30", s.start().minus(Duration.ofMinutes(30)), false));
            checks.saveCheck(check(s, "T-5", s.start().minus(Duration.ofMinutes(5)), flaky));
            Instant silentFrom = s.start().plus(Duration.ofMinutes(12));
            Instant silentTo = silentFrom.plus(Duration.ofSeconds(40));
            if (flaky && silentTo.isBefore(now)) {
                long id = checks.openIncident(s.id(), FLAKY_CLASSROOM, boxOf(FLAKY_CLASSROOM), SILENT, silentFrom);
                checks.closeIncident(id, silentTo);
            }
            written++;
        }
        if (written > 0) {
            log.info("demo: checks of {} class(es) that began before the demo started written as they would have run", written);
        }
    }

    private static SessionReadiness check(SyncSession s, String trigger, Instant at, boolean flaky) {
        List<ClassroomReadiness> rooms = new ArrayList<>();
        rooms.add(room(s.leadClassroomId(), ClassroomReadiness.Role.LEAD, at, List.of()));
        for (String remote : s.remoteClassroomIds()) {
            rooms.add(room(remote, ClassroomReadiness.Role.REMOTE, at,
                    flaky && remote.equals(FLAKY_CLASSROOM) ? List.of(SILENT) : List.of()));
        }
        return new SessionReadiness(s.id(), flaky ? Verdict.AT_RISK : Verdict.READY, at, trigger, rooms);
    }

    private static ClassroomReadiness room(String classroomId, ClassroomReadiness.Role role, Instant at, List<Reason> reasons) {
        String school = DemoBureau.SCHOOLS.stream().filter(x -> classroomId.startsWith(x.classroomPrefix() + "-"))
                .map(DemoBureau.SchoolSeed::id).findFirst().orElse(null);
        return new ClassroomReadiness(classroomId, school, role, boxOf(classroomId), reasons.isEmpty() ? Verdict.READY : Verdict.AT_RISK,
                reasons, at.minusSeconds(4), SelftestOutcome.PASSED, at.minusSeconds(2));
    }

    private static String boxOf(String classroomId) {
        return "box-" + classroomId;
    }
}
