package org.syncready.controller.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.syncready.controller.schedule.InMemoryScheduleStore;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

class DemoTimetableTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private static SessionStore store() {
        Set<String> rooms = DemoBureau.SCHOOLS.stream()
                .flatMap(s -> List.of(3, 4, 5).stream().map(g -> s.classroomPrefix() + "-g" + g)).collect(Collectors.toSet());
        return SessionStore.load(new InMemoryScheduleStore(), rooms::contains);
    }

    private static Clock at(int hour, int minute) {
        return Clock.fixed(LocalDateTime.of(2026, 12, 7, hour, minute).atZone(ZONE).toInstant(), ZoneOffset.UTC);
    }

    @Test
    void aDemoStartedAtNightHasFinishedClassesOneInClassAndSeveralInTheNextHour() {
        SessionStore sessions = store();
        Clock clock = at(21, 2);
        DemoTimetable.schedule(sessions, clock, ZONE);
        Instant now = clock.instant();
        List<SyncSession> around = sessions.overlapping(now.minus(Duration.ofHours(2)), now.plus(Duration.ofHours(1)));
        long finished = around.stream().filter(s -> !s.end().isAfter(now)).count();
        long inClass = around.stream().filter(s -> !s.start().isAfter(now) && s.end().isAfter(now)).count();
        List<SyncSession> nextHour = around.stream().filter(s -> s.start().isAfter(now)).toList();
        assertEquals(2, finished, around.toString());
        assertEquals(1, inClass, around.toString());
        assertEquals(3, nextHour.size(), around.toString());
        // The class on now has the flaky microphone's classroom; at least one upcoming class still has its T-30 check ahead.
        assertTrue(around.stream().filter(s -> !s.start().isAfter(now) && s.end().isAfter(now))
                .allMatch(s -> s.remoteClassroomIds().contains("shanbei-g4")));
        assertTrue(nextHour.stream().anyMatch(s -> s.start().minus(Duration.ofMinutes(30)).isAfter(now)), nextHour.toString());
        // Plus the school days of today and tomorrow: 2 x 14 classes, none of them at night.
        assertEquals(6 + 28, sessions.size());
    }

    @Test
    void theFinishedClassWithTheFlakyMicrophoneHasItsChecksAndItsMinuteOfSilence() {
        SessionStore sessions = store();
        Clock clock = at(21, 2);
        DemoTimetable.schedule(sessions, clock, ZONE);
        org.syncready.controller.readiness.InMemoryCheckStore checks = new org.syncready.controller.readiness.InMemoryCheckStore();
        DemoHistory.recordAroundNow(sessions, checks, clock);
        Instant now = clock.instant();
        List<SyncSession> begun = sessions.overlapping(now.minus(Duration.ofHours(3)), now).stream()
                .filter(s -> !s.start().isAfter(now)).toList();
        assertEquals(3, begun.size(), begun.toString());
        SyncSession flaky = begun.stream().filter(s -> !s.end().isAfter(now) && s.remoteClassroomIds().contains("shanbei-g4"))
                .findFirst().orElseThrow();
        var kept = checks.checks(flaky.id());
        assertEquals(List.of("T-30", "T-5"), kept.stream().map(c -> c.trigger()).toList());
        assertEquals(org.syncready.controller.readiness.Verdict.AT_RISK, kept.get(1).verdict());
        assertTrue(kept.get(1).classrooms().stream().flatMap(c -> c.reasons().stream())
                .anyMatch(r -> r.code() == org.syncready.controller.readiness.ReasonCode.MIC_SILENT && r.zh().contains("无声")));
        assertEquals(1, checks.incidents(flaky.id()).size());
        assertTrue(checks.incidents(flaky.id()).get(0).end() != null, "the silence ended");
        for (SyncSession s : begun) {
            assertEquals(2, checks.checks(s.id()).size(), s.id());
        }
        DemoHistory.recordAroundNow(sessions, checks, clock);
        assertEquals(2, checks.checks(flaky.id()).size(), "written once");
    }

    @Test
    void startingAgainAddsNothingTwice() {
        SessionStore sessions = store();
        DemoTimetable.schedule(sessions, at(21, 2), ZONE);
        int first = sessions.size();
        DemoTimetable.schedule(sessions, at(21, 4), ZONE);
        assertEquals(first, sessions.size(), "same 5-minute slot: the same classes");
        DemoTimetable.schedule(sessions, at(21, 31), ZONE);
        assertEquals(first, sessions.size(), "half an hour later the new classes would share classrooms with the first ones");
        DemoTimetable.schedule(sessions, at(23, 50), ZONE);
        assertEquals(first + 6, sessions.size(), "hours later a new set of classes around now");
    }

    @Test
    void duringTheSchoolDayTheClassesAroundNowLeaveOutTheSchoolDayClassesTheyWouldClashWith() {
        SessionStore sessions = store();
        Clock clock = at(9, 20);
        DemoTimetable.schedule(sessions, clock, ZONE);
        List<SyncSession> all = sessions.overlapping(clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(3)));
        for (SyncSession a : all) {
            for (SyncSession b : all) {
                if (a != b && a.start().isBefore(b.end()) && b.start().isBefore(a.end())) {
                    assertFalse(a.classroomIds().stream().anyMatch(b.classroomIds()::contains), a + " and " + b + " share a classroom");
                }
            }
        }
        Instant now = clock.instant();
        assertTrue(all.stream().anyMatch(s -> !s.start().isAfter(now) && s.end().isAfter(now)), "a class is on now");
        assertTrue(sessions.size() < 6 + 28, "some school-day classes were left out: " + sessions.size());
    }
}
