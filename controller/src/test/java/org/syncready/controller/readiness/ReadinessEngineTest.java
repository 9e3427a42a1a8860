package org.syncready.controller.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.DeviceState;

class ReadinessEngineTest {
    private static final Instant START = Instant.parse("2026-09-07T00:00:00Z"); // 08:00 in Shanghai

    private FleetScene scene;
    private ConfigDriftSource drift = ConfigDriftSource.NONE;

    @BeforeEach
    void setUp() throws Exception {
        scene = new FleetScene();
        for (String box : List.of("b-lead", "b-r1", "b-r2", "b-r3")) {
            scene.online(box, FleetScene.healthy());
        }
    }

    private ReadinessEngine engine(Clock dataClock) {
        return new ReadinessEngine(ReadinessRules.defaults(), scene.registry, scene.fleet, (b, n) -> drift.drift(b, n),
                dataClock, ZoneId.of("Asia/Shanghai"));
    }

    private SessionReadiness check(SessionKind kind, String... remotes) {
        return check(kind, Map.of(), remotes);
    }

    private SessionReadiness check(SessionKind kind, Map<String, SelftestOutcome> selftests, String... remotes) {
        SyncSession s = new SyncSession("s1", "c-lead", List.of(remotes), "数学", "王老师", kind, START, START.plusSeconds(2700), null);
        return engine(Clock.systemUTC()).evaluate(s, START.minusSeconds(300), "T-5", selftests);
    }

    private static ClassroomReadiness room(SessionReadiness r, String id) {
        return r.classrooms().stream().filter(c -> c.classroomId().equals(id)).findFirst().orElseThrow();
    }

    private static List<ReasonCode> codes(ClassroomReadiness c) {
        return c.reasons().stream().map(Reason::code).toList();
    }

    @Test
    void healthyBoxesMakeAReadySession() {
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2", "c-r3");
        assertEquals(Verdict.READY, r.verdict());
        r.classrooms().forEach(c -> assertEquals(Verdict.READY, c.verdict(), c.classroomId() + ": " + c.reasons()));
        assertEquals(ClassroomReadiness.Role.LEAD, r.classrooms().get(0).role());
        assertEquals("rural", room(r, "c-r2").schoolId());
    }

    @Test
    void aSilentRemoteMicrophoneMakesThatRoomNotReadyAndTheSessionAtRisk() {
        scene.online("b-r2", FleetScene.healthy().mic("mic-room", true, false));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1", "c-r2", "c-r3");
        ClassroomReadiness room = room(r, "c-r2");
        assertEquals(Verdict.NOT_READY, room.verdict());
        assertEquals(List.of(ReasonCode.MIC_SILENT), codes(room));
        Reason reason = room.reasons().get(0);
        assertEquals("mic-room", reason.device());
        assertTrue(reason.en().contains("silent"), reason.en());
        assertTrue(reason.zh().contains("无声"), reason.zh());
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
    void aBrokenTeacherCameraSaysWhatTheProbeSaw() {
        scene.online("b-lead", FleetScene.healthy().camera("cam-teacher", CameraRole.TEACHER, DeviceState.FAULT,
                "RTSP 401 Unauthorized - wrong password?"));
        ClassroomReadiness lead = room(check(SessionKind.LIVE, "c-r1"), "c-lead");
        assertEquals(Verdict.NOT_READY, lead.verdict());
        Reason reason = lead.reasons().get(0);
        assertEquals(ReasonCode.CAMERA_FAULT, reason.code());
        assertEquals(Severity.BLOCKING, reason.severity());
        assertTrue(reason.en().startsWith("Teacher camera cam-teacher: fault (RTSP 401"), reason.en());
        assertTrue(reason.zh().startsWith("教师摄像机 cam-teacher：故障"), reason.zh());
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
    void uplinkIsJudgedAgainstWhatTheSessionNeeds() {
        // Lead of a live session pushes 2 streams x 4 Mbit/s = 8 Mbit/s; with 25 % headroom 10 Mbit/s.
        scene.online("b-lead", FleetScene.healthy().network(20.0, 3.0, 0.0, 6_000, 5.0));
        scene.online("b-r1", FleetScene.healthy().network(20.0, 3.0, 0.0, 4_500, 5.0));
        SessionReadiness r = check(SessionKind.LIVE, "c-r1");
        Reason lead = room(r, "c-lead").reasons().get(0);
        assertEquals(ReasonCode.UPLINK_LOW, lead.code());
        assertEquals(Severity.BLOCKING, lead.severity());
        assertEquals(8000, lead.data().get("neededKbps"));
        Reason remote = room(r, "c-r1").reasons().get(0);
        assertEquals(ReasonCode.UPLINK_LOW, remote.code());
        assertEquals(Severity.WARNING, remote.severity(), "4.5 Mbit/s covers one 4 Mbit/s stream but not the headroom");
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
        SessionReadiness unknownLead = engine(Clock.systemUTC()).evaluate(s, START, "T-5", Map.of());
        assertEquals(Verdict.UNKNOWN, unknownLead.verdict());
        assertEquals(List.of(ReasonCode.NO_DATA), codes(unknownLead.classrooms().get(0)));
    }

    @Test
    void anOldStatusIsStaleAndANoAnswerSelftestIsNoted() throws Exception {
        scene.registry.addClassroom("c-quiet", "rural", "安静教室", "Quiet room");
        scene.registry.registerBox("b-quiet", "c-quiet", "m");
        scene.online("b-quiet", FleetScene.healthy(), System.currentTimeMillis() - 60_000);
        SessionReadiness r = check(SessionKind.LIVE, Map.of("b-quiet", SelftestOutcome.NO_ANSWER, "b-lead", SelftestOutcome.PASSED), "c-quiet");
        ClassroomReadiness r1 = room(r, "c-quiet");
        assertEquals(List.of(ReasonCode.SELFTEST_NO_ANSWER, ReasonCode.STALE_STATUS), codes(r1));
        assertEquals(SelftestOutcome.NO_ANSWER, r1.selftest());
        assertEquals(Verdict.AT_RISK, r1.verdict(), "judged on its last status, flagged as stale");
        assertEquals(SelftestOutcome.PASSED, room(r, "c-lead").selftest());
    }

    @Test
    void driftAndLowDiskAreWarnings() {
        drift = (box, now) -> box.equals("b-lead")
                ? Optional.of(new ConfigDriftSource.Drift(7, 6L, Instant.now().minusSeconds(900))) : Optional.empty();
        scene.online("b-lead", FleetScene.healthy().disk(2_000));
        ClassroomReadiness lead = room(check(SessionKind.LIVE, "c-r1"), "c-lead");
        assertEquals(List.of(ReasonCode.DISK_LOW, ReasonCode.CONFIG_DRIFT), codes(lead));
        assertEquals(Verdict.AT_RISK, lead.verdict());
        // 45 min x 8000 kbit/s = 2636 MB, plus the 1024 MB reserve.
        assertEquals(2636L + 1024, lead.reasons().get(0).data().get("neededMb"));
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
                () -> ReadinessRules.parse(defaultsWith("rttMaxMs: 150", "rttMaxMs: 150\nrtMax: 3"), "r.yaml"));
        assertTrue(unknown.getMessage().contains("unknown field 'rtMax'"), unknown.getMessage());
        ReadinessRules.RulesException negative = assertThrows(ReadinessRules.RulesException.class,
                () -> ReadinessRules.parse(defaultsWith("jitterMaxMs: 30", "jitterMaxMs: -1"), "r.yaml"));
        assertTrue(negative.getMessage().contains("'jitterMaxMs' must be > 0"), negative.getMessage());
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
