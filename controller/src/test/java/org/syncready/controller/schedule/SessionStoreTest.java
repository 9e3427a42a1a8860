package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.refusal.Refusal;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlScheduleStore;

class SessionStoreTest {
    private static final Set<String> ROOMS = Set.of("lead", "r1", "r2", "r3", "lead2");
    private static final Instant T8 = Instant.parse("2026-09-07T00:00:00Z");

    @TempDir
    Path dir;

    private static SessionDraft draft(String lead, Instant start, int minutes, String subject, String... remotes) {
        return new SessionDraft(lead, List.of(remotes), subject, "王老师", SessionKind.LIVE, start, start.plusSeconds(60L * minutes), "test");
    }

    @Test
    void storesFindsByTimeAndSurvivesARestart() throws Exception {
        try (Database db = Database.open(dir.resolve("s.db"))) {
            SessionStore store = SessionStore.load(new SqlScheduleStore(db), ROOMS::contains);
            SyncSession math = store.create(draft("lead", T8, 45, "数学", "r1", "r2"));
            store.create(draft("lead", T8.plusSeconds(3600), 45, "语文", "r1"));
            assertEquals(List.of(math), store.overlapping(T8.plusSeconds(600), T8.plusSeconds(700)));
            assertEquals(2, store.overlapping(T8, T8.plusSeconds(7200)).size());
            assertEquals(1, store.ofClassroom("r2", T8, T8.plusSeconds(7200)).size());

            SessionStore reloaded = SessionStore.load(new SqlScheduleStore(db), ROOMS::contains);
            assertEquals(math, reloaded.get(math.id()).orElseThrow());
            assertEquals(List.of("r1", "r2"), reloaded.get(math.id()).orElseThrow().remoteClassroomIds(), "remote order kept");
        }
    }

    @Test
    void refusesBadSessionsNamingTheField() throws Exception {
        SessionStore store = SessionStore.load(new InMemoryScheduleStore(), ROOMS::contains);
        assertEquals("invalid", assertThrows(Refusal.class, () -> store.create(draft("nowhere", T8, 45, "数学", "r1"))).kind().code());
        assertTrue(assertThrows(Refusal.class, () -> store.create(draft("lead", T8, 45, "数学", "lead")))
                .getMessage().contains("'remoteClassroomIds'"));
        assertTrue(assertThrows(Refusal.class, () -> store.create(draft("lead", T8, 45, "数学")))
                .getMessage().contains("at least one remote"));
        assertTrue(assertThrows(Refusal.class, () -> store.create(draft("lead", T8, 0, "数学", "r1")))
                .getMessage().contains("'end'"));
        assertTrue(assertThrows(Refusal.class, () -> store.create(draft("lead", T8, 45, " ", "r1")))
                .getMessage().contains("'subject'"));
        assertEquals(0, store.size(), "nothing stored");
    }

    @Test
    void aClassroomCannotBeInTwoSessionsAtOnce() throws Exception {
        SessionStore store = SessionStore.load(new InMemoryScheduleStore(), ROOMS::contains);
        store.create(draft("lead", T8, 45, "数学", "r1"));
        Refusal same = assertThrows(Refusal.class, () -> store.create(draft("lead", T8, 45, "语文", "r2")));
        assertEquals("conflict", same.kind().code());
        Refusal remoteBusy = assertThrows(Refusal.class,
                () -> store.create(draft("lead2", T8.plusSeconds(600), 45, "英语", "r1")));
        assertTrue(remoteBusy.getMessage().contains("'r1'"), remoteBusy.getMessage());
        store.create(draft("lead2", T8.plusSeconds(45 * 60), 45, "英语", "r1")); // back to back is fine
    }

    @Test
    void reimportingTheSameTimetableChangesNothingAndAChangedRowUpdatesInPlace() throws Exception {
        try (Database db = Database.open(dir.resolve("s.db"))) {
            SessionStore store = SessionStore.load(new SqlScheduleStore(db), ROOMS::contains);
            List<SessionDraft> week = List.of(draft("lead", T8, 45, "数学", "r1"), draft("lead", T8.plusSeconds(3600), 45, "语文", "r2"));
            ImportPlan first = store.plan(week);
            assertEquals(2, first.create().size());
            List<SyncSession> stored = store.apply(first);

            ImportPlan again = store.plan(week);
            assertEquals(0, again.create().size());
            assertEquals(0, again.update().size());
            assertEquals(2, again.unchanged());

            ImportPlan changed = store.plan(List.of(draft("lead", T8, 45, "数学（复习）", "r1", "r3"), week.get(1)));
            assertEquals(1, changed.update().size());
            store.apply(changed);
            assertEquals(2, store.size());
            SyncSession math = store.get(stored.get(0).id()).orElseThrow();
            assertEquals("数学（复习）", math.subject());
            assertEquals(List.of("r1", "r3"), math.remoteClassroomIds());
        }
    }

    @Test
    void aPlanWithABadDraftNamesItsSourceAndAppliesNothing() throws Exception {
        SessionStore store = SessionStore.load(new InMemoryScheduleStore(), ROOMS::contains);
        SessionDraft bad = new SessionDraft("lead", List.of("r9"), "数学", null, SessionKind.LIVE, T8, T8.plusSeconds(2700), "line 7");
        Refusal e = assertThrows(Refusal.class, () -> store.plan(List.of(draft("lead", T8.plusSeconds(3600), 45, "语文", "r1"), bad)));
        assertTrue(e.getMessage().startsWith("line 7: "), e.getMessage());
        assertEquals(0, store.size());
    }

    @Test
    void aClassroomIsBusyInClassAndInTheGuardBeforeItAcrossBackToBackSessions() throws Exception {
        SessionStore store = SessionStore.load(new InMemoryScheduleStore(), ROOMS::contains);
        java.time.Duration guard = java.time.Duration.ofMinutes(15);
        store.create(draft("lead", T8, 45, "数学", "r1"));
        store.create(draft("lead", T8.plusSeconds(55 * 60), 45, "语文", "r2")); // 10 min break: chained
        store.create(draft("lead", T8.plusSeconds(180 * 60), 45, "英语", "r2")); // 1 h 35 min later: not

        assertEquals(java.util.Optional.empty(), store.busyUntil("lead", T8.minusSeconds(20 * 60), guard));
        assertEquals(java.util.Optional.of(T8.plusSeconds(100 * 60)), store.busyUntil("lead", T8.minusSeconds(10 * 60), guard),
                "10 min before class: busy until the end of the second, back-to-back session");
        assertEquals(java.util.Optional.of(T8.plusSeconds(45 * 60)), store.busyUntil("r1", T8.plusSeconds(60), guard));
        assertEquals(java.util.Optional.empty(), store.busyUntil("r1", T8.plusSeconds(45 * 60), guard), "free at the end");
        assertEquals(java.util.Optional.empty(), store.busyUntil("r3", T8, guard));
    }
}
