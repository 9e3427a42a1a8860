package org.syncready.controller.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.EquipmentState;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.StreamStatus;

class ReadinessEngineTest {
    private static final Instant START = Instant.parse("2026-09-07T00:00:00Z"); // 08:00 in Shanghai
    private static final ObjectMapper JSON = new ObjectMapper();

    private FleetScene scene;
    private ConfigDriftSource drift = ConfigDriftSource.NONE;
    private final Map<String, BoxProfile> profiles = new HashMap<>();
    private ReadinessEngine engine;

    @BeforeEach
    void setUp() throws Exception {
        scene = new FleetScene();
        for (String box : List.of("b-lead", "b-r1", "b-r2", "b-r3")) {
            scene.online(box, FleetScene.healthy());
        }
        engine = engine(Clock.systemUTC());
    }

    private ReadinessEngine engine(Clock dataClock) {
        return new ReadinessEngine(ReadinessRules.defaults(), scene.registry, scene.fleet, (b, n) -> drift.drift(b, n),
                b -> Optional.ofNullable(profiles.get(b)), dataClock, ZoneId.of("Asia/Shanghai"));
    }

    private SessionReadiness check(SessionKind kind, String... remotes) {
        return check(kind, Map.of(), remotes);
    }

    private SessionReadiness check(SessionKind kind, Map<String, SelftestResult> selftests, String... remotes) {
        return engine.evaluate(session(kind, remotes), START.minusSeconds(300), "T-5", selftests);
    }

    private static SyncSession session(SessionKind kind, String... remotes) {
        return new SyncSession("s1", "c-lead", List.of(remotes), "数学", "王老师", kind, START, START.plusSeconds(2700), null);
    }

    private static ClassroomReadiness room(SessionReadiness r, String id) {
        return r.classrooms().stream().filter(c -> c.classroomId().equals(id)).findFirst().orElseThrow();
    }

    private static List<ReasonCode> codes(ClassroomReadiness c) {
        return c.reasons().stream().filter(r -> r.severity() != Severity.INFO).map(Reason::code).toList();
    }

    private static Reason reason(ClassroomReadiness c, ReasonCode code) {
        return c.reasons().stream().filter(r -> r.code() == code).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " in " + c.reasons()));
    }

    @Test
    void healthyBoxesMakeAReadySession() {
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2", "c-r3");
        assertEquals(Verdict.READY, r.verdict());
        r.classrooms().forEach(c -> assertEquals(Verdict.READY, c.verdict(), c.classroomId() + ": " + c.reasons()));
        assertEquals(ClassroomReadiness.Role.LEAD, r.classrooms().get(0).role());
        assertEquals("rural", room(r, "c-r2").schoolId());
        assertEquals(r.classrooms().stream().map(ClassroomReadiness::statusAt).min(Instant::compareTo).orElseThrow(), r.dataAsOf(),
                "the verdict says how old the data behind it is");
    }

    @Test
    void aSilentRemoteMicrophoneMakesThatRoomNotReadyAndTheSessionAtRisk() {
        scene.online("b-r2", FleetScene.healthy().micSilent("mic-room"));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2", "c-r3");
        ClassroomReadiness room = room(r, "c-r2");
        assertEquals(Verdict.NOT_READY, room.verdict());
        assertEquals(List.of(ReasonCode.MIC_SILENT), codes(room));
        Reason reason = room.reasons().get(0);
        assertEquals("mic-room", reason.device());
        assertTrue(reason.en().contains("silent (level -90 dBFS) (silent: no signal above -60 dBFS)"), reason.en());
        assertEquals("教室麦克风 mic-room：无声（电平 -90 dBFS）——是否静音、未插好或未开机？", reason.zh());
        assertEquals(Verdict.AT_RISK, r.verdict());
    }

    @Test
    void theLeadBoxOfflineMakesTheSessionNotReady() {
        scene.offline("b-lead");
        SessionReadiness r = check(SessionKind.LIVE, "c-r1");
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(List.of(ReasonCode.BOX_OFFLINE), codes(room(r, "c-lead")));
        assertTrue(room(r, "c-lead").reasons().get(0).zh().contains("离线"));
    }

    @Test
    void aBrokenTeacherCameraSaysWhatTheProbeSawInEnglishOnly() {
        scene.online("b-lead", FleetScene.healthy().camera("cam-teacher", CameraRole.TEACHER, DeviceState.FAULT,
                "RTSP 401 Unauthorized - wrong password?"));
        ClassroomReadiness lead = room(check(SessionKind.LIVE, "c-r1"), "c-lead");
        assertEquals(Verdict.NOT_READY, lead.verdict());
        Reason reason = lead.reasons().get(0);
        assertEquals(ReasonCode.CAMERA_FAULT, reason.code());
        assertEquals(Severity.BLOCKING, reason.severity());
        assertEquals("Teacher camera cam-teacher: fault (RTSP 401 Unauthorized - wrong password?).", reason.en());
        assertEquals("教师摄像机 cam-teacher：故障。", reason.zh(), "the agent's English error stays out of the Chinese sentence");
    }

    @Test
    void aSecondCameraOfTheSameRoleCoversForABrokenOneWithAWarning() {
        scene.online("b-lead", FleetScene.healthy().camera("cam-teacher-2", CameraRole.TEACHER, DeviceState.FAULT, "no frames"));
        ClassroomReadiness lead = room(check(SessionKind.LIVE, "c-r1"), "c-lead");
        assertEquals(Verdict.AT_RISK, lead.verdict());
        assertEquals(Severity.WARNING, lead.reasons().get(0).severity());
    }

    @Test
    void aMissingRequiredCameraRoleIsAbsent() {
        FleetScene.Status s = FleetScene.healthy();
        s.cameras.removeIf(c -> c.role() == CameraRole.STUDENT);
        scene.online("b-r1", s);
        ClassroomReadiness remote = room(check(SessionKind.LIVE, "c-r1"), "c-r1");
        assertEquals(List.of(ReasonCode.CAMERA_ABSENT), codes(remote));
        assertEquals(Verdict.NOT_READY, remote.verdict());
    }

    @Test
    void aBlackPictureIsAFaultOfItsOwn() {
        FleetScene.Status s = FleetScene.healthy();
        s.cameras.removeIf(c -> c.id().equals("cam-student"));
        s.cameras.add(new CameraStatus("cam-student", CameraRole.STUDENT, CameraKind.RTSP, DeviceState.FAULT, 1920, 1080, 25.0,
                4000, false, "black picture", "h264", true, null, System.currentTimeMillis()));
        scene.online("b-r1", s);
        Reason r = room(check(SessionKind.LIVE, "c-r1"), "c-r1").reasons().get(0);
        assertEquals(ReasonCode.CAMERA_FAULT, r.code());
        assertEquals("学生摄像机 cam-student：黑屏。", r.zh());
        assertEquals("black", r.data().get("problem"));
    }

    @Test
    void uplinkIsJudgedAgainstTheStreamsTimesTheBitrateOfTheBoxsProfile() {
        // Without a known profile: 4 Mbit/s per stream; the lead of a live session sends 2 (+15 %): 9.2 Mbit/s.
        scene.online("b-lead", FleetScene.healthy().network(20.0, 3.0, 0.0, 9_000, 5.0));
        Reason lead = reason(room(check(SessionKind.LIVE, "c-r1"), "c-lead"), ReasonCode.UPLINK_LOW);
        assertEquals(Severity.BLOCKING, lead.severity());
        assertEquals(9200, lead.data().get("neededKbps"));

        // The 720p profile at 1.2 Mbit/s: one stream back from a remote needs 1.38 Mbit/s, and 2.3 Mbit/s is plenty.
        profiles.put("b-r1", new BoxProfile("generic-recorder-b/classroom-720p", 3L, 1200, new StreamServer("stream.example.org", 1935)));
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, 2_300, 5.0));
        ClassroomReadiness r1 = room(check(SessionKind.LIVE, "c-r1"), "c-r1");
        assertEquals(Verdict.READY, r1.verdict(), r1.reasons().toString());

        // A high-bitrate profile is not under-required: 8 Mbit/s x 1.15 = 9.2 Mbit/s, 9 Mbit/s is short.
        profiles.put("b-r1", new BoxProfile("generic-recorder-a/lecture-4k", 4L, 8000, null));
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, 9_000, 5.0));
        Reason high = reason(room(check(SessionKind.LIVE, "c-r1"), "c-r1"), ReasonCode.UPLINK_LOW);
        assertEquals(Severity.BLOCKING, high.severity());
        assertEquals(9200, high.data().get("neededKbps"));
        assertTrue(high.en().contains("1 stream(s) x 8.0 Mbit/s of profile generic-recorder-a/lecture-4k + 15 %"), high.en());
        assertTrue(high.zh().contains("1 路 × 8.0 Mbit/s，配置 generic-recorder-a/lecture-4k，另加 15%"), high.zh());

        // Between need and need x headroom: a warning.
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, 10_000, 5.0));
        assertEquals(Severity.WARNING, reason(room(check(SessionKind.LIVE, "c-r1"), "c-r1"), ReasonCode.UPLINK_LOW).severity());
    }

    @Test
    void anUnknownUplinkIsNeverReady() {
        scene.online("b-lead", FleetScene.healthy().network(20.0, 3.0, 0.0, null, 5.0));
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, null, 5.0));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1");
        ClassroomReadiness lead = room(r, "c-lead");
        assertEquals(Verdict.UNKNOWN, lead.verdict());
        Reason unknown = reason(lead, ReasonCode.NO_DATA);
        assertEquals(Severity.UNKNOWN, unknown.severity());
        assertEquals("uplinkKbps", unknown.device());
        assertTrue(unknown.zh().startsWith("上行带宽未测得"), unknown.zh());
        assertEquals(Verdict.UNKNOWN, r.verdict(), "an unknown lead makes the session unknown, never READY");
        assertEquals(Verdict.UNKNOWN, room(r, "c-r1").verdict());

        scene.online("b-lead", FleetScene.healthy());
        assertEquals(Verdict.AT_RISK, check(SessionKind.LIVE, "c-r1").verdict(), "an unknown remote uplink puts the session at risk");
        // A blocking fault still wins over an unknown figure.
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, null, 5.0).micSilent("mic-room"));
        assertEquals(Verdict.NOT_READY, room(check(SessionKind.LIVE, "c-r1"), "c-r1").verdict());
    }

    @Test
    void anUplinkFigureTooOldForTheCheckIsUnknown() {
        FleetScene.Status s = FleetScene.healthy();
        s.uplinkMeasuredAgoMs = 45 * 60_000L; // speed tests postponed or failing for 45 minutes
        scene.online("b-r1", s);
        Reason old = reason(room(check(SessionKind.LIVE, "c-r1"), "c-r1"), ReasonCode.NO_DATA);
        assertEquals(Severity.UNKNOWN, old.severity());
        assertEquals(2700L, old.data().get("ageS"));
        assertTrue(old.zh().startsWith("上行带宽数据过旧：最近一次测速（20.0 Mbit/s）在 45 分钟前"), old.zh());
        s.uplinkMeasuredAgoMs = 10 * 60_000L;
        scene.online("b-r1", s);
        assertEquals(Verdict.READY, room(check(SessionKind.LIVE, "c-r1"), "c-r1").verdict(), "a postponed test keeps a usable figure");
    }

    @Test
    void theLeadIsJudgedOnPushingTheSessionsStream() {
        scene.online("b-lead", FleetScene.healthy().stream(new StreamStatus(false, "rtmp://stream.example.org/live/room", 0, 12L,
                "encoder not running: no progress for 31 s", true)));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1");
        Reason notPushing = reason(room(r, "c-lead"), ReasonCode.STREAM_NOT_PUSHING);
        assertEquals(Severity.BLOCKING, notPushing.severity());
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertTrue(notPushing.en().contains("(encoder not running: no progress for 31 s)"), notPushing.en());
        assertEquals("主讲教室主机未向 stream.example.org:1935 推送课堂直播流，远端教室收不到课程。", notPushing.zh());

        scene.online("b-lead", FleetScene.healthy().stream(new StreamStatus(true, "rtmp://stream.example.org/live/room", 900, 0L, null, true)));
        Reason slow = reason(room(check(SessionKind.LIVE, "c-r1"), "c-lead"), ReasonCode.STREAM_NOT_PUSHING);
        assertEquals(Severity.WARNING, slow.severity(), "900 kbit/s is under half the default 4 Mbit/s");

        scene.online("b-lead", FleetScene.healthy().noTargets().stream(new StreamStatus(false, "rtmp://stream.example.org/live/room",
                0, 0L, "stream server stream.example.org:1935 not reachable", false)));
        ClassroomReadiness lead = room(check(SessionKind.LIVE, "c-r1"), "c-lead");
        assertEquals(List.of(ReasonCode.STREAM_SERVER_UNREACHABLE), codes(lead), "the cause is named, not its consequence");
        assertEquals(Verdict.NOT_READY, lead.verdict());

        scene.online("b-lead", FleetScene.healthy().stream(null));
        SessionReadiness noStream = check(SessionKind.LIVE, "c-r1");
        assertEquals(Verdict.UNKNOWN, noStream.verdict(), "a lead that reports no stream at all is not READY");
        assertEquals("stream", reason(room(noStream, "c-lead"), ReasonCode.NO_DATA).device());
    }

    @Test
    void eachRemoteIsJudgedOnReachingTheServerItPullsFrom() {
        scene.online("b-r1", FleetScene.healthy().streamServer("stream.example.org", false));
        scene.online("b-r2", FleetScene.healthy().noTargets());
        SelftestResult answered = new SelftestResult(SelftestOutcome.PASSED, Instant.now().minusSeconds(5), List.of(), null);
        assertEquals(Severity.INFO, reason(room(check(SessionKind.LIVE, "c-r2"), "c-r2"), ReasonCode.NO_DATA).severity(),
                "not asked to probe the server yet: only noted");
        SessionReadiness r = check(SessionKind.LIVE, Map.of("b-r2", answered), "c-r1", "c-r2", "c-r3");
        ClassroomReadiness r1 = room(r, "c-r1");
        assertEquals(Verdict.NOT_READY, r1.verdict());
        Reason unreachable = reason(r1, ReasonCode.STREAM_SERVER_UNREACHABLE);
        assertEquals("本教室主机无法连接直播服务器 stream.example.org:1935，收不到课程。", unreachable.zh());
        assertTrue(unreachable.en().contains("(connect timed out)"), unreachable.en());
        ClassroomReadiness r2 = room(r, "c-r2");
        assertEquals(Verdict.UNKNOWN, r2.verdict(), "asked to probe the server and still not probing it: unknown");
        assertEquals("streamServer", reason(r2, ReasonCode.NO_DATA).device());
        assertEquals(Verdict.READY, room(r, "c-r3").verdict());
        assertEquals(Verdict.AT_RISK, r.verdict());

        // Hours before the session the controller has not sent the server yet: only noted.
        SessionReadiness early = engine.evaluate(session(SessionKind.LIVE, "c-r2"), START.minus(Duration.ofHours(3)), "preview", Map.of());
        assertEquals(Verdict.READY, room(early, "c-r2").verdict());
        assertEquals(Severity.INFO, reason(room(early, "c-r2"), ReasonCode.NO_DATA).severity());
    }

    @Test
    void theSessionsServerComesFromTheLeadsProfile() {
        profiles.put("b-lead", new BoxProfile("generic-recorder-a/standard-1080p", 7L, 4000, new StreamServer("live.county.edu.cn", 1935)));
        SyncSession s = session(SessionKind.LIVE, "c-r1");
        assertEquals(Optional.of(new StreamServer("live.county.edu.cn", 1935)), engine.streamServer(s));
        // The remote probes another server: whether it reaches this one is not known.
        SelftestResult answered = new SelftestResult(SelftestOutcome.PASSED, Instant.now().minusSeconds(5), List.of(), null);
        Reason notProbed = reason(room(check(SessionKind.LIVE, Map.of("b-r1", answered), "c-r1"), "c-r1"), ReasonCode.NO_DATA);
        assertEquals("streamServer", notProbed.device());
        assertEquals(Severity.UNKNOWN, notProbed.severity());
        scene.online("b-r1", FleetScene.healthy().streamServer("LIVE.county.edu.cn", true));
        assertEquals(Verdict.READY, room(check(SessionKind.LIVE, "c-r1"), "c-r1").verdict());
    }

    @Test
    void networkQualityIsJudgedOverAWindowNotOneBurst() {
        long t = System.currentTimeMillis() - 10_000;
        // A quiet room, then one 1 s blip: the median does not move.
        for (int i = 0; i < 4; i++) {
            scene.online("b-r1", FleetScene.healthy().network(20.0 + i, 3.0, 0.0, 20_000, 5.0), t + i * 1000);
            engine.observe("b-r1");
        }
        scene.online("b-r1", FleetScene.healthy().network(900.0, 80.0, 30.0, 20_000, 5.0), t + 5000);
        ClassroomReadiness blip = room(check(SessionKind.LIVE, "c-r1"), "c-r1");
        assertEquals(Verdict.READY, blip.verdict(), "one burst decides nothing: " + blip.reasons());

        // A real 10 % loss, seen in most of the window: blocking.
        for (int i = 0; i < 3; i++) {
            scene.online("b-r1", FleetScene.healthy().network(25.0, 3.0, 9.0 + i, 20_000, 5.0), t + 6000 + i * 1000);
            engine.observe("b-r1");
        }
        Reason loss = reason(room(check(SessionKind.LIVE, "c-r1"), "c-r1"), ReasonCode.LOSS_HIGH);
        assertEquals(Severity.BLOCKING, loss.severity());
        assertEquals(5, loss.data().get("samples"));
    }

    @Test
    void aRaisedLevelFallsBackOnlyWellUnderItsLimit() {
        long t = System.currentTimeMillis() - 20_000;
        double[] rtts = {200, 210, 205, 190, 180};
        for (int i = 0; i < rtts.length; i++) {
            scene.online("b-r1", FleetScene.healthy().network(rtts[i], 3.0, 0.0, 20_000, 5.0), t + i * 1000);
            engine.observe("b-r1");
        }
        assertEquals(Severity.WARNING, reason(room(check(SessionKind.LIVE, "c-r1"), "c-r1"), ReasonCode.RTT_HIGH).severity());
        // 140 ms is under the 150 ms limit but over 80 % of it: still at risk, no flapping.
        for (int i = 0; i < 3; i++) {
            scene.online("b-r1", FleetScene.healthy().network(140.0 + i, 3.0, 0.0, 20_000, 5.0), t + 6000 + i * 1000);
            engine.observe("b-r1");
        }
        assertTrue(codes(room(check(SessionKind.LIVE, "c-r1"), "c-r1")).contains(ReasonCode.RTT_HIGH));
        for (int i = 0; i < 3; i++) {
            scene.online("b-r1", FleetScene.healthy().network(60.0 + i, 3.0, 0.0, 20_000, 5.0), t + 10_000 + i * 1000);
            engine.observe("b-r1");
        }
        assertEquals(Verdict.READY, room(check(SessionKind.LIVE, "c-r1"), "c-r1").verdict());
    }

    @Test
    void networkLimitsDependOnTheSessionKind() {
        scene.online("b-r1", FleetScene.healthy().network(300.0, 50.0, 0.0, 20_000, 5.0));
        ClassroomReadiness live = room(check(SessionKind.LIVE, "c-r1"), "c-r1");
        assertEquals(List.of(ReasonCode.RTT_HIGH, ReasonCode.JITTER_HIGH), codes(live));
        ClassroomReadiness recorded = room(check(SessionKind.RECORDED, "c-r1"), "c-r1");
        assertEquals(Verdict.READY, recorded.verdict(), "one-way viewing tolerates 300 ms and 50 ms: " + recorded.reasons());
    }

    @Test
    void aBoxClockFarFromTheControllersIsClockSkewEvenWithoutAnNtpOffset() {
        long now = System.currentTimeMillis();
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, 20_000, null), now, now + 3_600_000);
        scene.online("b-r2", FleetScene.healthy().network(20.0, 3.0, 0.0, 20_000, 900.0), now, now - 3_600_000);
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2");
        ClassroomReadiness r1 = room(r, "c-r1");
        assertEquals(List.of(ReasonCode.CLOCK_SKEW), codes(r1));
        assertEquals(Verdict.AT_RISK, r1.verdict());
        assertTrue(r1.reasons().get(0).en().contains("3600 s ahead"), r1.reasons().get(0).en());
        assertTrue(r1.reasons().get(0).zh().contains("快 3600 秒"), r1.reasons().get(0).zh());
        assertEquals(List.of(ReasonCode.CLOCK_SKEW), codes(room(r, "c-r2")), "one CLOCK_SKEW, the NTP one");
    }

    @Test
    void networkQualityBeyondTheLimitsWarnsThenBlocks() {
        scene.online("b-r1", FleetScene.healthy().network(200.0, 45.0, 2.0, 20_000, 900.0));
        scene.online("b-r2", FleetScene.healthy().network(600.0, 3.0, 8.0, 20_000, 5.0));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2");
        ClassroomReadiness r1 = room(r, "c-r1");
        assertEquals(List.of(ReasonCode.RTT_HIGH, ReasonCode.JITTER_HIGH, ReasonCode.LOSS_HIGH, ReasonCode.CLOCK_SKEW), codes(r1));
        assertEquals(Verdict.AT_RISK, r1.verdict());
        ClassroomReadiness r2 = room(r, "c-r2");
        assertEquals(Verdict.NOT_READY, r2.verdict(), "600 ms RTT and 8 % loss are past the blocking limits");
        assertEquals(Verdict.AT_RISK, r.verdict());

        scene.online("b-r3", FleetScene.healthy().linkDown());
        assertEquals(List.of(ReasonCode.LOSS_HIGH), codes(room(check(SessionKind.LIVE, "c-r3"), "c-r3")));
    }

    @Test
    void aRoomWithoutBoxOrDataIsUnknownAndAnUnknownLeadMakesTheSessionUnknown() throws Exception {
        SessionReadiness r = check(SessionKind.LIVE, "c-empty");
        assertEquals(Verdict.UNKNOWN, room(r, "c-empty").verdict());
        assertEquals(List.of(ReasonCode.NO_BOX), codes(room(r, "c-empty")));
        assertEquals(Verdict.AT_RISK, r.verdict());

        scene.registry.addClassroom("c-new", "lead-school", "新教室", "New room");
        scene.registry.registerBox("b-new", "c-new", "m");
        SyncSession s = new SyncSession("s2", "c-new", List.of("c-r1"), "语文", null, SessionKind.LIVE, START, START.plusSeconds(2700), null);
        SessionReadiness unknownLead = engine.evaluate(s, START, "T-5", Map.of());
        assertEquals(Verdict.UNKNOWN, unknownLead.verdict());
        assertEquals(List.of(ReasonCode.NO_DATA), codes(unknownLead.classrooms().get(0)));
    }

    @Test
    void aQuietHealthyBoxReportingEveryMinuteIsReadyBeforeClass() {
        scene.registry.addClassroom("c-quiet", "rural", "安静教室", "Quiet room");
        scene.registry.registerBox("b-quiet", "c-quiet", "m");
        SelftestResult passed = new SelftestResult(SelftestOutcome.PASSED, Instant.now(), List.of(), null);
        // Report by exception: nothing changed for 55 s, the next heartbeat is due in 5.
        scene.online("b-quiet", FleetScene.healthy().heartbeat(60), System.currentTimeMillis() - 55_000);
        for (SelftestResult selftest : List.of(passed, SelftestResult.NOT_ASKED, SelftestResult.NO_ANSWER)) {
            ClassroomReadiness quiet = room(check(SessionKind.LIVE, Map.of("b-quiet", selftest, "b-lead", passed), "c-quiet"), "c-quiet");
            assertFalse(codes(quiet).contains(ReasonCode.STALE_STATUS), selftest.outcome() + ": " + quiet.reasons());
            assertEquals(Verdict.READY, quiet.verdict(), selftest.outcome() + ": " + quiet.reasons());
        }
        // A heartbeat missed by a box that was not asked for a self-test: within two heartbeats, not stale.
        scene.online("b-quiet", FleetScene.healthy().heartbeat(60), System.currentTimeMillis() - 100_000);
        ClassroomReadiness late = room(check(SessionKind.LIVE, Map.of("b-quiet", SelftestResult.NOT_ASKED, "b-lead", passed), "c-quiet"), "c-quiet");
        assertEquals(Verdict.READY, late.verdict(), late.reasons().toString());
    }

    @Test
    void aHungBoxReportingEveryMinuteIsStillCaughtBeforeClass() {
        scene.registry.addClassroom("c-hung", "rural", "教室", "Room");
        scene.registry.registerBox("b-hung", "c-hung", "m");
        SelftestResult passed = new SelftestResult(SelftestOutcome.PASSED, Instant.now(), List.of(), null);
        // No answer to the T-5 self-test and a heartbeat missed: blocking at once, not after a second heartbeat.
        scene.online("b-hung", FleetScene.healthy().heartbeat(60), System.currentTimeMillis() - 80_000);
        ClassroomReadiness hung = room(check(SessionKind.LIVE, Map.of("b-hung", SelftestResult.NO_ANSWER, "b-lead", passed), "c-hung"), "c-hung");
        assertEquals(List.of(ReasonCode.SELFTEST_NO_ANSWER, ReasonCode.STALE_STATUS), hung.reasons().stream().map(Reason::code).toList());
        Reason stale = reason(hung, ReasonCode.STALE_STATUS);
        assertEquals(Severity.BLOCKING, stale.severity());
        assertEquals(60, stale.data().get("intervalS"));
        assertTrue(stale.en().startsWith("No answer to the self-test and no status for 80 s (expected at least every 60 s)"), stale.en());
        assertTrue(stale.zh().startsWith("录播主机未响应自检，且 80 秒未收到新状态（应至少每 60 秒上报）"), stale.zh());
        assertEquals(Verdict.NOT_READY, hung.verdict());

        // Hours before class the same box is judged on its heartbeat alone: 80 s is within two.
        SessionReadiness early = engine.evaluate(session(SessionKind.LIVE, "c-hung"), START.minus(Duration.ofHours(3)), "preview",
                Map.of("b-hung", SelftestResult.NO_ANSWER));
        assertFalse(codes(room(early, "c-hung")).contains(ReasonCode.STALE_STATUS), room(early, "c-hung").reasons().toString());

        // Two heartbeats missed: stale whatever the self-test said.
        scene.online("b-hung", FleetScene.healthy().heartbeat(60), System.currentTimeMillis() - 125_000);
        ClassroomReadiness silent = room(check(SessionKind.LIVE, Map.of("b-lead", passed), "c-hung"), "c-hung");
        assertEquals(Severity.BLOCKING, reason(silent, ReasonCode.STALE_STATUS).severity());
        assertTrue(reason(silent, ReasonCode.STALE_STATUS).en().startsWith("No fresh status for 125 s (expected at least every 60 s)"));
        assertEquals(Verdict.NOT_READY, silent.verdict());
    }

    @Test
    void aStatusThatStoppedBeforeClassMakesTheRoomNotReady() throws Exception {
        scene.registry.addClassroom("c-quiet", "rural", "安静教室", "Quiet room");
        scene.registry.registerBox("b-quiet", "c-quiet", "m");
        scene.online("b-quiet", FleetScene.healthy(), System.currentTimeMillis() - 60_000);
        SessionReadiness r = check(SessionKind.LIVE, Map.of("b-quiet", SelftestResult.NO_ANSWER,
                "b-lead", new SelftestResult(SelftestOutcome.PASSED, Instant.now(), List.of(), null)), "c-quiet");
        ClassroomReadiness quiet = room(r, "c-quiet");
        assertEquals(List.of(ReasonCode.SELFTEST_NO_ANSWER, ReasonCode.STALE_STATUS),
                quiet.reasons().stream().map(Reason::code).toList());
        assertEquals(SelftestOutcome.NO_ANSWER, quiet.selftest());
        assertEquals(Severity.BLOCKING, quiet.reasons().get(1).severity(), "a hung box is not merely at risk at T-5");
        assertEquals(Verdict.NOT_READY, quiet.verdict());
        assertEquals(SelftestOutcome.PASSED, room(r, "c-lead").selftest());

        // Hours before class the same silence is a warning.
        SessionReadiness early = engine.evaluate(session(SessionKind.LIVE, "c-quiet"), START.minus(Duration.ofHours(3)), "preview", Map.of());
        assertEquals(Severity.WARNING, reason(room(early, "c-quiet"), ReasonCode.STALE_STATUS).severity());
    }

    @Test
    void theLeadsStaleStatusMakesTheSessionNotReady() {
        scene.online("b-lead", FleetScene.healthy(), System.currentTimeMillis() - 45_000);
        assertEquals(Verdict.NOT_READY, check(SessionKind.LIVE, "c-r1").verdict());
    }

    @Test
    void theDiskMustHoldWhatTheSessionRecords() {
        // 45 min x 2 streams x 4000 kbit/s = 2636 MB.
        scene.online("b-lead", FleetScene.healthy().disk(2_000));
        Reason cannot = reason(room(check(SessionKind.LIVE, "c-r1"), "c-lead"), ReasonCode.DISK_LOW);
        assertEquals(Severity.BLOCKING, cannot.severity());
        assertEquals(2636L, cannot.data().get("neededMb"));
        assertEquals("磁盘剩余 2000 MB，录制本节课 45 分钟约需 2636 MB，无法完整录制。", cannot.zh());

        scene.online("b-lead", FleetScene.healthy().disk(3_000));
        Reason tight = reason(room(check(SessionKind.LIVE, "c-r1"), "c-lead"), ReasonCode.DISK_LOW);
        assertEquals(Severity.WARNING, tight.severity());
        assertEquals(2636L + 1024, tight.data().get("neededMb"));

        // The 720p profile records a third of that.
        profiles.put("b-lead", new BoxProfile("generic-recorder-a/low-uplink-720p", 2L, 1500, null));
        assertEquals(Verdict.READY, room(check(SessionKind.LIVE, "c-r1"), "c-lead").verdict());

        // A remote's disk is checked too: under the reserve it is at risk.
        scene.online("b-r1", FleetScene.healthy().disk(49));
        ClassroomReadiness r1 = room(check(SessionKind.LIVE, "c-r1"), "c-r1");
        assertEquals(List.of(ReasonCode.DISK_LOW), codes(r1));
        assertEquals(Verdict.AT_RISK, r1.verdict());
    }

    @Test
    void driftSaysRejectedAndWhy() {
        drift = (box, now) -> box.equals("b-lead") ? Optional.of(new ConfigDriftSource.Drift(2, 2L, "rejected",
                "signature does not verify with the pinned controller key(s)", Instant.now().minusSeconds(900))) : Optional.empty();
        Reason r = reason(room(check(SessionKind.LIVE, "c-r1"), "c-lead"), ReasonCode.CONFIG_DRIFT);
        assertEquals("Configuration v2 was rejected by the box (signature does not verify with the pinned controller key(s)).", r.en());
        assertEquals("配置 v2 被主机拒绝：签名验证失败。", r.zh());
        assertEquals("rejected", r.data().get("result"));

        drift = (box, now) -> box.equals("b-lead")
                ? Optional.of(new ConfigDriftSource.Drift(7, 6L, Instant.now().minusSeconds(900))) : Optional.empty();
        Reason late = reason(room(check(SessionKind.LIVE, "c-r1"), "c-lead"), ReasonCode.CONFIG_DRIFT);
        assertTrue(late.zh().contains("仍未生效（主机运行 v6）"), late.zh());
        assertEquals(Severity.WARNING, late.severity());
    }

    @Test
    void everyFailedSelftestCheckBecomesTheReasonItNames() {
        ObjectNode result = JSON.createObjectNode().put("passed", false);
        var checks = result.putArray("checks");
        checks.addObject().put("type", "camera").put("id", "cam-student").put("state", "fault").put("passed", false)
                .put("error", "black picture").putObject("deepCheck").put("ok", false).put("black", true);
        var net = checks.addObject().put("type", "network").put("id", "eth0").put("state", "degraded").put("passed", false)
                .put("link", "up");
        net.putArray("targets").addObject().put("name", "stream").put("host", "stream.example.org").put("port", 1935)
                .put("reachable", false).put("error", "connect refused");
        checks.addObject().put("type", "probe").put("id", "ntp").put("state", "fault").put("passed", false).put("error", "timeout");
        SelftestResult failed = SelftestResult.fromAnswer(true, result, null, Instant.now().plusSeconds(60));
        ClassroomReadiness r1 = room(check(SessionKind.LIVE, Map.of("b-r1", failed), "c-r1"), "c-r1");
        assertEquals(SelftestOutcome.FAILED, r1.selftest());
        assertEquals(List.of(ReasonCode.CAMERA_FAULT, ReasonCode.STREAM_SERVER_UNREACHABLE, ReasonCode.SELFTEST_FAILED), codes(r1));
        assertEquals(Verdict.NOT_READY, r1.verdict(), "a failed self-test is never a silent READY");
        assertEquals("自检：学生摄像机 cam-student：黑屏。", r1.reasons().get(0).zh());

        // A failed self-test whose report says nothing readable still counts.
        SelftestResult opaque = SelftestResult.fromAnswer(true, JSON.createObjectNode().put("passed", false), null, Instant.now().plusSeconds(60));
        assertEquals(List.of(ReasonCode.SELFTEST_FAILED), codes(room(check(SessionKind.LIVE, Map.of("b-r1", opaque), "c-r1"), "c-r1")));

        // A status that arrived after the answer is the newer word on what the status can see.
        SelftestResult old = SelftestResult.fromAnswer(true, result, null, Instant.now().minusSeconds(60));
        ClassroomReadiness later = room(check(SessionKind.LIVE, Map.of("b-r1", old), "c-r1"), "c-r1");
        assertEquals(List.of(ReasonCode.CAMERA_FAULT), codes(later), "only the decoded picture, which the status cannot see, stays");
    }

    @Test
    void chineseSentencesAreChineseThroughout() {
        drift = (box, now) -> Optional.of(new ConfigDriftSource.Drift(3, 2L, "rolled_back", "broker: unreachable after applying",
                Instant.now().minusSeconds(900)));
        scene.online("b-lead", FleetScene.healthy().camera("cam-teacher", CameraRole.TEACHER, DeviceState.ABSENT, "not detected")
                .mic("mic-room", true, false).disk(100).network(900.0, 200.0, 30.0, 100, 2000.0)
                .stream(new StreamStatus(false, "rtmp://stream.example.org/live/room", 0, 0L, "encoder stopped (progress=end)", true)));
        scene.online("b-r1", FleetScene.healthy().micSilent("mic-room").streamServer("stream.example.org", false).network(null, null, null, null, null));
        scene.online("b-r2", FleetScene.healthy().camera("cam-student", CameraRole.STUDENT, DeviceState.DEGRADED, "frame rate 12.5 below 25"));
        scene.online("b-r3", FleetScene.healthy().mic("mic-room", false, true));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2", "c-r3", "c-empty");
        // Ids, host names, units and version numbers are values; any other Latin word is English leaking in.
        Pattern values = Pattern.compile("cam-[a-z]+|mic-[a-z]+|b-[a-z0-9]+|stream\\.example\\.org|Mbit/s|kbit/s|dBFS|MB|NTP|v\\d+");
        int sentences = 0;
        for (ClassroomReadiness c : r.classrooms()) {
            for (Reason reason : c.reasons()) {
                String rest = values.matcher(reason.zh()).replaceAll("");
                assertFalse(Pattern.compile("[A-Za-z]{2,}").matcher(rest).find(), reason.code() + ": " + reason.zh());
                assertNotEquals(reason.en(), reason.zh());
                sentences++;
            }
        }
        assertTrue(sentences >= 12, "enough sentences checked: " + sentences);
    }

    @Test
    void equipmentOutOfRangeOrUnreachableIsAWarningInBothLanguages() {
        scene.online("b-r1", FleetScene.healthy()
                .equipment(new EquipmentStatus("display", "display-power", EquipmentState.OUT_OF_RANGE, false, "= true", null,
                        "opc.tcp://10.0.0.5:4840 ns=2;s=Display.Power", "false, expected = true", 1L))
                .equipment(new EquipmentStatus("temp", "room-temperature", EquipmentState.OK, 22.5, "18..28", "°C", null, null, 1L))
                .equipment(new EquipmentStatus("seq", "power-sequencer", EquipmentState.UNREACHABLE, null, "= 1", null, null,
                        "no answer within 1500 ms", null)));
        ClassroomReadiness remote = room(check(SessionKind.LIVE, "c-r1"), "c-r1");
        assertEquals(Verdict.AT_RISK, remote.verdict());
        assertEquals(List.of(ReasonCode.EQUIPMENT_FAULT, ReasonCode.EQUIPMENT_FAULT), codes(remote));
        Reason display = remote.reasons().get(0);
        assertEquals("display", display.device());
        assertEquals(Severity.WARNING, display.severity());
        assertEquals("Display power (display): false, expected = true.", display.en());
        assertEquals("显示屏电源（display）：读数 false，应为 = true。", display.zh());
        assertEquals(false, display.data().get("value"));
        Reason sequencer = remote.reasons().get(1);
        assertEquals("Power sequencer (seq): cannot be read (no answer within 1500 ms).", sequencer.en());
        assertTrue(sequencer.zh().startsWith("电源时序器（seq）：无法读取"), sequencer.zh());
    }

    @Test
    void aRecordedSessionAsksNothingOfTheRemoteMicrophones() {
        scene.online("b-r1", FleetScene.healthy().mic("mic-room", true, false));
        ClassroomReadiness remote = room(check(SessionKind.RECORDED, "c-r1"), "c-r1");
        assertEquals(Verdict.AT_RISK, remote.verdict(), "a silent mic is only a warning where nobody needs to speak");
    }

    @Test
    void statusAgeUsesTheDataClockNotTheScheduleClock() {
        Clock later = Clock.fixed(Instant.now().plusSeconds(3600), ZoneOffset.UTC);
        SyncSession s = new SyncSession("s1", "c-lead", List.of("c-r1"), "数学", null, SessionKind.LIVE, START, START.plusSeconds(2700), null);
        SessionReadiness r = engine(later).evaluate(s, START, "T-5", Map.of());
        assertTrue(codes(room(r, "c-lead")).contains(ReasonCode.STALE_STATUS));
        assertFalse(codes(room(check(SessionKind.LIVE, "c-r1"), "c-lead")).contains(ReasonCode.STALE_STATUS));
    }

    @Test
    void rulesFilesWithMistakesAreRefusedNamingTheField() {
        ReadinessRules.RulesException unknown = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse(defaultsWith("ntpOffsetMaxMs: 500", "ntpOffsetMaxMs: 500\nrtMax: 3"), "r.yaml"));
        assertTrue(unknown.getMessage().contains("unknown field 'rtMax'"), unknown.getMessage());
        ReadinessRules.RulesException negative = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse(defaultsWith("jitterMaxMs: 30", "jitterMaxMs: -1"), "r.yaml"));
        assertTrue(negative.getMessage().contains("'network.jitterMaxMs' must be > 0"), negative.getMessage());
        ReadinessRules.RulesException kindLimits = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse(defaultsWith("rttBlockingMs: 1000", "rttBlockingMs: 100"), "r.yaml"));
        assertTrue(kindLimits.getMessage().contains("'kinds.recorded.network.rttBlockingMs' must be >= rttMaxMs"), kindLimits.getMessage());
        ReadinessRules.RulesException missing = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse(defaultsWith("  jitterBlockingMs: 100\n", ""), "r.yaml"));
        assertTrue(missing.getMessage().contains("jitterBlockingMs"), missing.getMessage());
        ReadinessRules.RulesException role = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse(defaultsWith("cameraRoles: [student], ", "cameraRoles: [pupil], "), "r.yaml"));
        assertTrue(role.getMessage().contains("cameraRoles"), role.getMessage());
        ReadinessRules.RulesException notYaml = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse("kinds: [".getBytes(StandardCharsets.UTF_8), "r.yaml"));
        assertTrue(notYaml.getMessage().startsWith("r.yaml: "), notYaml.getMessage());
    }

    private static byte[] defaultsWith(String from, String to) throws Exception {
        try (var in = ReadinessRules.class.getResourceAsStream("readiness-rules.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains(from), from);
            return text.replaceFirst(java.util.regex.Pattern.quote(from), to).getBytes(StandardCharsets.UTF_8);
        }
    }
}
