package org.syncready.controller.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CheckStore} does, run against the SQLite store and against the in-memory fake the
 * readiness tests use, so the fake cannot drift from the real thing.
 */
public abstract class CheckStoreContract {
    private static final Instant T8 = Instant.parse("2026-09-07T00:00:00Z");
    private CheckStore store;

    protected abstract CheckStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    private static SessionReadiness check(String session, Instant at, String trigger, Verdict verdict) {
        Reason reason = new Reason(ReasonCode.CAMERA_FAULT, Severity.BLOCKING, "cam-1", "Camera cam-1 is faulty",
                "摄像头 cam-1 故障", Map.of("state", "fault"));
        return new SessionReadiness(session, verdict, at, trigger, List.of(new ClassroomReadiness("c-1", "s-1",
                ClassroomReadiness.Role.LEAD, "b-1", verdict, verdict == Verdict.READY ? List.of() : List.of(reason), at.minusSeconds(5),
                SelftestOutcome.PASSED)));
    }

    @Test
    void checksReadBackWholeAndTheLatestOfEachSessionWins() {
        SessionReadiness t30 = check("s-a", T8.minusSeconds(1800), "T-30", Verdict.NOT_READY);
        SessionReadiness t5 = check("s-a", T8.minusSeconds(300), "T-5", Verdict.READY);
        SessionReadiness other = check("s-b", T8.minusSeconds(300), "T-5", Verdict.AT_RISK);
        store.saveCheck(t5);
        store.saveCheck(t30);
        store.saveCheck(other);

        assertEquals(Map.of("s-a", t5), store.latest(List.of("s-a", "s-none")));
        assertEquals(List.of(t30, t5), store.checks("s-a"), "oldest first");
        assertEquals(List.of(), store.checks("s-none"));
    }

    @Test
    void theLastCheckBeforeTheStartIsWhatStaffKnewGoingIn() {
        SessionReadiness t30 = check("s-a", T8.minusSeconds(1800), "T-30", Verdict.NOT_READY);
        SessionReadiness t5 = check("s-a", T8.minusSeconds(300), "T-5", Verdict.AT_RISK);
        store.saveCheck(t30);
        store.saveCheck(t5);
        store.saveCheck(check("s-a", T8.plusSeconds(60), "on-demand", Verdict.READY)); // after the start
        store.saveCheck(check("s-a", T8.minusSeconds(60), ReadinessChecks.IN_SESSION, Verdict.READY)); // never counts
        store.saveCheck(check("s-b", T8.minusSeconds(200_000), "T-30", Verdict.READY)); // more than a day before 'from'

        Map<String, SessionReadiness> before = store.lastBeforeStart(Map.of("s-a", T8, "s-b", T8, "s-c", T8),
                T8.minusSeconds(3600), T8.plusSeconds(3600));
        assertEquals(Map.of("s-a", t5), before);
    }

    @Test
    void incidentsOpenCloseOnceAndAreFoundBySessionAndTime() {
        Reason mic = new Reason(ReasonCode.MIC_SILENT, Severity.BLOCKING, "mic-1", "Microphone mic-1 is silent", "麦克风无声", null);
        long first = store.openIncident("s-a", "c-1", "b-1", mic, T8.plusSeconds(60));
        long second = store.openIncident("s-b", "c-2", "b-2", mic, T8.plusSeconds(120));
        store.closeIncident(first, T8.plusSeconds(600));
        store.closeIncident(first, T8.plusSeconds(900)); // already ended: stays as it was

        Incident closed = store.incidents("s-a").get(0);
        assertEquals(new Incident(first, "s-a", "c-1", "b-1", ReasonCode.MIC_SILENT, "mic-1", Severity.BLOCKING,
                "Microphone mic-1 is silent", T8.plusSeconds(60), T8.plusSeconds(600)), closed);
        assertEquals(List.of(second), store.openIncidents().stream().map(Incident::id).toList());
        assertNull(store.openIncidents().get(0).end());
        assertEquals(Set.of(first, second), Set.copyOf(store.incidents(T8, T8.plusSeconds(700)).stream().map(Incident::id).toList()));
        assertEquals(List.of(second), store.incidents(T8.plusSeconds(600), T8.plusSeconds(700)).stream().map(Incident::id).toList(),
                "an incident ended at 'from' does not overlap");
        assertEquals(List.of(), store.incidents(T8, T8.plusSeconds(60)), "one starting at 'to' does not overlap");
    }
}
