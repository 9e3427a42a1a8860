package org.syncready.controller.readiness;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syncready.controller.TestClock;
import org.syncready.controller.schedule.InMemoryScheduleStore;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/** The check timetable on a test clock: T-30, T-5, in class, incidents and the report, without MQTT or a database. */
class ReadinessChecksTest {
    private static final Instant EIGHT = Instant.parse("2026-09-07T00:00:00Z"); // 08:00 Asia/Shanghai

    private FleetScene scene;
    private SessionStore sessions;
    private InMemoryCheckStore store;
    private ReadinessChecks checks;
    private final TestClock clock = new TestClock(EIGHT.minus(Duration.ofHours(1)));
    private final Set<String> silentBoxes = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> selftestsSent = new ConcurrentHashMap<>();
    private final Map<String, List<StreamServer>> serversSent = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        scene = new FleetScene();
        for (String box : List.of("b-lead", "b-r1", "b-r2", "b-r3")) {
            scene.online(box, FleetScene.healthy());
        }
        sessions = SessionStore.load(new InMemoryScheduleStore(), id -> scene.registry.classroom(id).isPresent());
        store = new InMemoryCheckStore();
        ReadinessEngine engine = new ReadinessEngine(ReadinessRules.defaults(), scene.registry, scene.fleet,
                ConfigDriftSource.NONE, Clock.systemUTC(), ZoneId.of("Asia/Shanghai"));
        SelftestSender selftest = (box, timeout, servers, keep) -> {
            selftestsSent.merge(box, 1, Integer::sum);
            serversSent.put(box, servers);
            return CompletableFuture.completedFuture(silentBoxes.contains(box) ? SelftestResult.NO_ANSWER
                    : new SelftestResult(SelftestOutcome.PASSED, Instant.now(), List.of(), null));
        };
        checks = new ReadinessChecks(engine, sessions, store, scene.fleet, selftest, clock);
    }

    @AfterEach
    void tearDown() {
        checks.close();
    }

    private void at(String hhmm) throws Exception {
        clock.set(EIGHT.plus(Duration.between(java.time.LocalTime.of(8, 0), java.time.LocalTime.parse(hhmm))));
        checks.tick().get(10, TimeUnit.SECONDS);
    }

    private SessionReadiness awaitTrigger(String sessionId, String trigger) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> checks.latest(sessionId).orElse(null),
                r -> r != null && r.trigger().equals(trigger) && r.checkedAt().equals(clock.instant()));
    }

    @Test
    void aSchoolMorningOfChecksIncidentsAndTheReport() throws Exception {
        SyncSession s = sessions.create(new SessionDraft("c-lead", List.of("c-r1", "c-r2", "c-r3"), "数学", "王老师",
                SessionKind.LIVE, EIGHT, EIGHT.plus(Duration.ofMinutes(45)), "test"));

        at("07:29");
        assertTrue(checks.latest(s.id()).isEmpty(), "nothing is checked before T-30");

        at("07:30");
        SessionReadiness t30 = awaitTrigger(s.id(), "T-30");
        assertEquals(Verdict.READY, t30.verdict());
        assertEquals(4, selftestsSent.size(), "every box got a self-test");
        assertEquals(List.of(new StreamServer("stream.example.org", 1935)), serversSent.get("b-r2"),
                "with the session's stream server to probe");
        t30.classrooms().forEach(c -> assertEquals(SelftestOutcome.PASSED, c.selftest()));

        // 07:40: the remote microphone in room 2 goes silent; room 3's box stops answering commands.
        scene.online("b-r2", FleetScene.healthy().mic("mic-room", true, false));
        silentBoxes.add("b-r3");
        at("07:40");
        assertEquals("T-30", checks.latest(s.id()).orElseThrow().trigger(), "no check between T-30 and T-5");

        at("07:55");
        SessionReadiness t5 = awaitTrigger(s.id(), "T-5");
        assertEquals(Verdict.AT_RISK, t5.verdict());
        ClassroomReadiness r2 = t5.classrooms().get(2);
        assertEquals("c-r2", r2.classroomId());
        assertEquals(Verdict.NOT_READY, r2.verdict());
        assertEquals(ReasonCode.MIC_SILENT, r2.reasons().get(0).code());
        ClassroomReadiness r3 = t5.classrooms().get(3);
        assertEquals(SelftestOutcome.NO_ANSWER, r3.selftest());
        assertEquals(ReasonCode.SELFTEST_NO_ANSWER, r3.reasons().get(0).code());
        assertEquals(Verdict.READY, r3.verdict(), "judged on its last status, which is fine; flagged, not failed");

        at("07:58");
        assertEquals(2, selftestsSent.get("b-lead"), "T-30 and T-5 only");

        at("08:00");
        SessionReadiness inClass = awaitTrigger(s.id(), ReadinessChecks.IN_SESSION);
        assertEquals(Verdict.AT_RISK, inClass.verdict());
        List<Incident> open = store.incidents(s.id());
        assertEquals(1, open.size());
        assertEquals(ReasonCode.MIC_SILENT, open.get(0).code());
        assertEquals("c-r2", open.get(0).classroomId());
        assertNull(open.get(0).end());

        // The microphone is back at 08:10; then the lead box drops at 08:20 and is still gone at the end.
        scene.online("b-r2", FleetScene.healthy());
        at("08:10");
        scene.offline("b-lead");
        at("08:20");
        assertEquals(Verdict.NOT_READY, checks.latest(s.id()).orElseThrow().verdict());
        at("08:50");

        List<Incident> all = store.incidents(s.id());
        assertEquals(2, all.size(), all.toString());
        assertEquals(EIGHT.plus(Duration.ofMinutes(10)), all.get(0).end());
        assertEquals(ReasonCode.BOX_OFFLINE, all.get(1).code());
        assertEquals(EIGHT.plus(Duration.ofMinutes(45)), all.get(1).end(), "closed at the session's end");

        ReadinessReport.Row byRoom2 = new ReadinessReport(sessions, store)
                .build(EIGHT.minus(Duration.ofHours(8)), EIGHT.plus(Duration.ofHours(16)), ReadinessReport.GroupBy.CLASSROOM,
                        c -> scene.registry.classroom(c).orElseThrow().schoolId())
                .stream().filter(r -> r.key().equals("c-r2")).findFirst().orElseThrow();
        assertEquals(1, byRoom2.sessions());
        assertEquals(0, byRoom2.ready(), "NOT_READY at T-5");
        assertEquals(10, byRoom2.minutesLost());
        List<ReadinessReport.Row> bySchool = new ReadinessReport(sessions, store)
                .build(EIGHT.minus(Duration.ofHours(8)), EIGHT.plus(Duration.ofHours(16)), ReadinessReport.GroupBy.SCHOOL,
                        c -> scene.registry.classroom(c).orElseThrow().schoolId());
        ReadinessReport.Row lead = bySchool.get(0);
        assertEquals("lead-school", lead.key());
        assertEquals(1.0, lead.readinessRate());
        assertEquals(25, lead.minutesLost(), "offline from 08:20 to the 08:45 end");
        ReadinessReport.Row rural = bySchool.get(1);
        assertEquals(3, rural.sessions());
        assertEquals(2, rural.withoutIncident());
        assertEquals(2.0 / 3, rural.readinessRate(), 0.001);
    }

    @Test
    void sessionsNeverCheckedAreCountedApartNotAsHeldWithoutIncident() throws Exception {
        // 08:00 is watched (checks before and during class); 10:00 happened while nothing was checking.
        SyncSession watched = sessions.create(new SessionDraft("c-lead", List.of("c-r1"), "数学", null,
                SessionKind.LIVE, EIGHT, EIGHT.plus(Duration.ofMinutes(45)), "test"));
        sessions.create(new SessionDraft("c-lead", List.of("c-r1", "c-r2"), "语文", null,
                SessionKind.LIVE, EIGHT.plus(Duration.ofHours(2)), EIGHT.plus(Duration.ofHours(2).plusMinutes(45)), "test"));
        at("07:30");
        awaitTrigger(watched.id(), "T-30");
        at("08:01");
        awaitTrigger(watched.id(), ReadinessChecks.IN_SESSION);

        List<ReadinessReport.Row> rows = new ReadinessReport(sessions, store)
                .build(EIGHT.minus(Duration.ofHours(8)), EIGHT.plus(Duration.ofHours(16)), ReadinessReport.GroupBy.SCHOOL,
                        c -> scene.registry.classroom(c).orElseThrow().schoolId());
        ReadinessReport.Row rural = rows.stream().filter(r -> r.key().equals("rural")).findFirst().orElseThrow();
        assertEquals(3, rural.sessions(), "c-r1 twice, c-r2 once");
        assertEquals(1, rural.checked());
        assertEquals(2, rural.unchecked(), "the 10:00 session was never looked at");
        assertEquals(1, rural.withoutIncident(), "only the watched one counts as held without incident");
        assertEquals(rural.sessions(), rural.unchecked() + rural.withoutIncident() + rural.incidents());
        assertEquals(1.0, rural.readinessRate(), "the rate is over checked sessions only");
    }

    @Test
    void aSessionAddedLateIsCheckedAtOnceThenAgainAtT5() throws Exception {
        at("07:50");
        SyncSession s = sessions.create(new SessionDraft("c-lead", List.of("c-r1"), "语文", null,
                SessionKind.LIVE, EIGHT, EIGHT.plus(Duration.ofMinutes(45)), "test"));
        at("07:51");
        assertEquals("T-30", awaitTrigger(s.id(), "T-30").trigger());
        at("07:52");
        at("07:55");
        awaitTrigger(s.id(), "T-5");
        assertEquals(2, store.checks(s.id()).size());
        assertEquals(2, selftestsSent.get("b-lead"));
    }

    @Test
    void anOnDemandCheckIsStoredAndOfflineBoxesGetNoSelftest() throws Exception {
        SyncSession s = sessions.create(new SessionDraft("c-lead", List.of("c-r1"), "语文", null,
                SessionKind.LIVE, EIGHT.plus(Duration.ofHours(3)), EIGHT.plus(Duration.ofHours(4)), "test"));
        scene.offline("b-r1");
        SessionReadiness r = checks.checkNow(s).get(10, TimeUnit.SECONDS);
        assertEquals(ReadinessChecks.ON_DEMAND, r.trigger());
        assertEquals(Verdict.AT_RISK, r.verdict());
        assertEquals(SelftestOutcome.NOT_ASKED, r.classrooms().get(1).selftest());
        assertEquals(null, selftestsSent.get("b-r1"));
        assertEquals(List.of(r.checkedAt()), store.checks(s.id()).stream().map(SessionReadiness::checkedAt).toList());
    }
}
