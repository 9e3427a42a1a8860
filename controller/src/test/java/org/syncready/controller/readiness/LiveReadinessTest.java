package org.syncready.controller.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syncready.controller.TestClock;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SyncSession;

/** The board between T-30 and the end: re-judged from live state on every status, coalesced, from memory. */
class LiveReadinessTest {
    private static final Instant EIGHT = Instant.parse("2026-09-07T00:00:00Z"); // 08:00 Asia/Shanghai

    private FleetScene scene;
    private final TestClock clock = new TestClock(EIGHT.minus(Duration.ofMinutes(20)));
    private final TestClock dataClock = new TestClock(Instant.now());
    private final List<SyncSession> schedule = new ArrayList<>();
    private final Map<String, SessionReadiness> board = new ConcurrentHashMap<>();
    private final Map<String, List<StreamServer>> asked = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<SelftestResult>> answers = new ConcurrentHashMap<>();
    private LiveReadiness live;

    @BeforeEach
    void setUp() throws Exception {
        scene = new FleetScene();
        for (String box : List.of("b-lead", "b-r1", "b-r2", "b-r3")) {
            scene.online(box, FleetScene.healthy(), dataClock.millis());
        }
        ReadinessEngine engine = new ReadinessEngine(ReadinessRules.defaults(), scene.registry, scene.fleet, ConfigDriftSource.NONE,
                b -> Optional.empty(), dataClock, ZoneId.of("Asia/Shanghai"));
        SelftestSender sender = (box, timeout, servers, keep) -> {
            asked.put(box, servers);
            return answers.computeIfAbsent(box, k -> new CompletableFuture<>());
        };
        live = new LiveReadiness(engine, (from, to) -> schedule.stream().filter(s -> s.start().isBefore(to) && s.end().isAfter(from)).toList(),
                box -> true, sender, clock, dataClock, r -> board.put(r.sessionId(), r));
        schedule.add(new SyncSession("s-8", "c-lead", List.of("c-r1"), "数学", null, SessionKind.LIVE, EIGHT,
                EIGHT.plus(Duration.ofMinutes(45)), "test"));
        schedule.add(new SyncSession("s-10", "c-r2", List.of("c-r3"), "语文", null, SessionKind.LIVE, EIGHT.plus(Duration.ofHours(2)),
                EIGHT.plus(Duration.ofHours(2).plusMinutes(45)), "test"));
    }

    /** A status arrives: the fleet takes it, then ingest tells the live readiness. */
    private void status(String box, FleetScene.Status s) {
        dataClock.advance(Duration.ofSeconds(1));
        scene.online(box, s, dataClock.millis());
        live.touched(box);
    }

    @Test
    void aFaultAfterT30AndItsFixReachTheBoardAtTheNextSweep() {
        LiveReadiness.Sweep first = live.sweep();
        assertTrue(first.full(), "the first pass judges the whole window");
        assertEquals(1, first.sessions(), "only the session within 30 minutes of its start");
        assertEquals(Verdict.READY, board.get("s-8").verdict());
        assertEquals(LiveReadiness.LIVE, board.get("s-8").trigger());
        assertNull(board.get("s-10"), "the 10:00 session is not in its window yet");

        status("b-r1", FleetScene.healthy().micSilent("mic-room"));
        LiveReadiness.Sweep afterFault = live.sweep();
        assertFalse(afterFault.full());
        assertEquals(1, afterFault.dirtyBoxes());
        assertEquals(1, afterFault.sessions());
        assertEquals(Verdict.AT_RISK, board.get("s-8").verdict());
        assertEquals(clock.instant(), board.get("s-8").checkedAt(), "the board says as of when");

        status("b-r1", FleetScene.healthy());
        live.sweep();
        assertEquals(Verdict.READY, board.get("s-8").verdict(), "a fix right after T-30 shows at once, not at T-5");
    }

    @Test
    void aStatusOfABoxOutsideTheWindowCostsNothing() {
        live.sweep();
        status("b-r3", FleetScene.healthy().micSilent("mic-room"));
        LiveReadiness.Sweep sweep = live.sweep();
        assertEquals(1, sweep.dirtyBoxes());
        assertEquals(0, sweep.sessions(), "b-r3's only session starts at 10:00");
        assertEquals(0, live.sweep().dirtyBoxes(), "nothing dirty, nothing done");
    }

    @Test
    void aBoxThatStopsReportingIsCaughtByTheTimedFullSweep() {
        live.sweep();
        // No message comes from a hung box; time passes.
        dataClock.advance(Duration.ofSeconds(30));
        LiveReadiness.Sweep sweep = live.sweep();
        assertTrue(sweep.full(), "the full sweep is due every " + ReadinessRules.defaults().checks().liveFullSweepS() + " s");
        ClassroomReadiness lead = board.get("s-8").classrooms().get(0);
        assertEquals(Verdict.NOT_READY, lead.verdict());
        assertEquals(ReasonCode.STALE_STATUS, lead.reasons().get(0).code());
        assertEquals(Verdict.NOT_READY, board.get("s-8").verdict());
    }

    @Test
    void aMissingFigureAsksTheBoxForAFreshSelftestWhoseAnswerIsFoldedIn() {
        status("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, null, 5.0));
        live.sweep();
        assertEquals(Verdict.UNKNOWN, board.get("s-8").classrooms().get(1).verdict());
        assertEquals(List.of(new StreamServer("stream.example.org", 1935)), asked.get("b-r1"),
                "a self-test was asked for, with the session's stream server to probe");
        assertEquals(1, asked.size());

        // Asked once, not on every sweep.
        asked.clear();
        status("b-r1", FleetScene.healthy().network(21.0, 3.0, 0.0, null, 5.0));
        live.sweep();
        assertTrue(asked.isEmpty());

        // The answer: the speed test ran, but the stream server did not answer.
        ObjectNode result = new ObjectMapper().createObjectNode().put("passed", false);
        ObjectNode net = result.putArray("checks").addObject().put("type", "network").put("id", "eth0").put("passed", false)
                .put("state", "degraded").put("link", "up");
        net.putArray("targets").addObject().put("name", "stream").put("host", "stream.example.org").put("port", 1935)
                .put("reachable", false).put("error", "connect timed out");
        dataClock.advance(Duration.ofSeconds(1));
        status("b-r1", FleetScene.healthy());
        dataClock.advance(Duration.ofSeconds(1));
        answers.get("b-r1").complete(SelftestResult.fromAnswer(true, result, null, dataClock.instant()));
        live.sweep();
        ClassroomReadiness r1 = board.get("s-8").classrooms().get(1);
        assertEquals(SelftestOutcome.FAILED, r1.selftest());
        assertEquals(dataClock.instant(), r1.selftestAt());
        assertEquals(List.of(ReasonCode.STREAM_SERVER_UNREACHABLE), r1.reasons().stream().map(Reason::code).toList());
        assertEquals(Verdict.NOT_READY, r1.verdict());
    }

    @Test
    void tooManyDirtyBoxesBecomeOneFullSweep() {
        live.sweep();
        for (int i = 0; i < LiveReadiness.MAX_DIRTY + 5; i++) {
            live.touched("b-ghost-" + i);
        }
        LiveReadiness.Sweep sweep = live.sweep();
        assertTrue(sweep.full());
        assertEquals(LiveReadiness.MAX_DIRTY, sweep.dirtyBoxes(), "the set stops growing; the full sweep covers the rest");
    }
}
