package org.syncready.controller.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ScheduleStore} does, run against the SQLite store and the in-memory fake. */
public abstract class ScheduleStoreContract {
    private static final Instant T8 = Instant.parse("2026-09-07T00:00:00Z");
    private ScheduleStore store;

    protected abstract ScheduleStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    private static SyncSession session(String id, String subject, String... remotes) {
        // One lead classroom leads one session per start: the start follows from the id.
        Instant start = T8.plusSeconds(3600L * Math.abs(id.hashCode() % 1000));
        return new SyncSession(id, "lead", List.of(remotes), subject, null, SessionKind.LIVE, start, start.plusSeconds(2700), "test");
    }

    private List<SyncSession> stored() {
        return store.sessions().stream().sorted(Comparator.comparing(SyncSession::id)).toList();
    }

    @Test
    void sessionsAreCreatedReplacedAndDeletedWithTheirRemotesInOrder() {
        SyncSession a = session("ss-a", "数学", "r2", "r1");
        SyncSession b = session("ss-b", "语文", "r3");
        store.saveSessions(List.of(a, b), List.of());
        assertEquals(List.of(a, b), stored());

        SyncSession changed = session("ss-a", "数学（复习）", "r1", "r3", "r2");
        store.saveSessions(List.of(), List.of(changed));
        assertEquals(List.of(changed, b), stored());

        store.deleteSession("ss-b");
        assertEquals(List.of(changed), stored());
    }

    @Test
    void aSaveThatFailsChangesNothing() {
        SyncSession a = session("ss-a", "数学", "r1");
        store.saveSessions(List.of(a), List.of());
        // ss-a exists already: the whole save fails, ss-new included.
        assertThrows(RuntimeException.class, () -> store.saveSessions(List.of(session("ss-new", "英语", "r1"), a), List.of()));
        assertEquals(List.of(a), stored());
    }

    @Test
    void termsAreCreatedAndReplacedByTheirId() {
        store.putTerm("2026-autumn", "{\"v\":1}");
        store.putTerm("2027-spring", "{\"v\":2}");
        store.putTerm("2026-autumn", "{\"v\":3}");
        assertEquals(Map.of("2026-autumn", "{\"v\":3}", "2027-spring", "{\"v\":2}"), store.terms());
    }
}
