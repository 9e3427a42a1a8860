package org.syncready.controller.opcua;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.InMemoryFleetStore;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.ReasonCode;
import org.syncready.controller.readiness.SelftestOutcome;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.InMemoryScheduleStore;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

/**
 * The OPC UA server over a small bureau in memory: schools north (classrooms n-1, n-2; boxes b-n1,
 * b-n2) and south (s-1; b-s1), every box online and healthy, today's session led by n-1 with s-1
 * remote, and tomorrow's. Users (password {@code pw-<user>}): admin, north-it (school IT of north),
 * bureau. Verdicts and self-test answers are fakes; what the methods did is in {@link #audit}.
 */
final class OpcUaScene implements AutoCloseable {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final LocalDate DAY = LocalDate.now(ZONE);
    static final Instant NOW = DAY.atTime(7, 30).atZone(ZONE).toInstant();

    final FleetRegistry registry;
    final LiveFleet fleet = new LiveFleet();
    final SessionStore sessions;
    final SyncSession session;
    final FleetOpcUaServer server;
    final List<String> audit = new CopyOnWriteArrayList<>();
    final AtomicInteger selfTests = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong(1);

    private OpcUaScene(Path data) throws Exception {
        registry = FleetRegistry.load(new InMemoryFleetStore(), "controller-secret");
        registry.addSchool("north", "北关小学", "North Primary");
        registry.addSchool("south", "南关小学", "South Primary");
        registry.addClassroom("n-1", "north", "三年级1班", "Grade 3 Class 1");
        registry.addClassroom("n-2", "north", "三年级2班", "Grade 3 Class 2");
        registry.addClassroom("s-1", "south", "四年级1班", "Grade 4 Class 1");
        registry.registerBox("b-n1", "n-1", "generic-recorder-a");
        registry.registerBox("b-n2", "n-2", "generic-recorder-a");
        registry.registerBox("b-s1", "s-1", "generic-recorder-b");
        for (String box : List.of("b-n1", "b-n2", "b-s1")) {
            online(box);
            report(box, DeviceState.OK);
        }
        sessions = SessionStore.load(new InMemoryScheduleStore(), id -> registry.classroom(id).isPresent());
        session = sessions.create(new SessionDraft("n-1", List.of("s-1"), "数学", "王老师", SessionKind.LIVE,
                DAY.atTime(8, 0).atZone(ZONE).toInstant(), DAY.atTime(8, 45).atZone(ZONE).toInstant(), "test"));
        sessions.create(new SessionDraft("n-2", List.of("s-1"), "语文", null, SessionKind.LIVE,
                DAY.plusDays(1).atTime(8, 0).atZone(ZONE).toInstant(), DAY.plusDays(1).atTime(8, 45).atZone(ZONE).toInstant(), "test"));
        server = FleetOpcUaServer.start(
                new FleetOpcUaServer.Settings(data, "127.0.0.1", 0, false, Clock.fixed(NOW, ZoneOffset.UTC), ZONE),
                new FleetOpcUaServer.Sources(registry, fleet, sessions, verdicts(), this::selfTest, users(),
                        ReadinessRules.defaults(), (actor, source, action, target, result) -> audit.add(actor + " " + action + " " + target + " " + result)));
    }

    static OpcUaScene start(Path data) throws Exception {
        return new OpcUaScene(data);
    }

    long nextSeq() {
        return seq.getAndIncrement();
    }

    private static OpcUaUsers users() {
        Map<String, OpcUaPrincipal> users = Map.of(
                "admin", new OpcUaPrincipal("admin", OpcUaPrincipal.Role.ADMIN, Set.of()),
                "north-it", new OpcUaPrincipal("north-it", OpcUaPrincipal.Role.SCHOOL_IT, Set.of("north")),
                "bureau", new OpcUaPrincipal("bureau", OpcUaPrincipal.Role.BUREAU, Set.of()));
        return (user, password, source) -> password.equals("pw-" + user) ? Optional.ofNullable(users.get(user)) : Optional.empty();
    }

    private SessionReadiness verdict(String trigger) {
        Reason mic = new Reason(ReasonCode.MIC_SILENT, Severity.BLOCKING, "mic-room", "Microphone mic-room: silent.",
                "麦克风 mic-room：无声。", Map.of());
        return new SessionReadiness(session.id(), Verdict.AT_RISK, NOW, trigger, List.of(
                new ClassroomReadiness("n-1", "north", ClassroomReadiness.Role.LEAD, "b-n1", Verdict.READY, List.of(), NOW,
                        SelftestOutcome.PASSED),
                new ClassroomReadiness("s-1", "south", ClassroomReadiness.Role.REMOTE, "b-s1", Verdict.NOT_READY, List.of(mic), NOW,
                        SelftestOutcome.PASSED)));
    }

    private SessionVerdicts verdicts() {
        return new SessionVerdicts() {
            @Override
            public Map<String, SessionReadiness> latest(List<SyncSession> list) {
                return list.stream().anyMatch(s -> s.id().equals(session.id())) ? Map.of(session.id(), verdict("T-30")) : Map.of();
            }

            @Override
            public CompletableFuture<SessionReadiness> checkNow(SyncSession s) {
                return CompletableFuture.completedFuture(verdict("on-demand"));
            }
        };
    }

    private CompletableFuture<CommandResponse> selfTest(String boxId, Duration timeout) {
        selfTests.incrementAndGet();
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("passed", false).put("durationMs", 4200);
        result.putArray("failed").add("camera cam-teacher: picture frozen");
        return CompletableFuture.completedFuture(new CommandResponse(1, boxId, System.currentTimeMillis(), "boot-" + boxId, nextSeq(),
                "c-1", true, result, null));
    }

    void online(String box) {
        long now = System.currentTimeMillis();
        fleet.apply(new StateMessage(1, box, now, "boot-" + box, nextSeq(), 1, StateMessage.Presence.ONLINE), "{}", false, now);
        fleet.apply(new BirthMessage(1, box, now, "boot-" + box, nextSeq(), "0.9.1", "fw-2.3", "SR-BOX-200", 10, null, null, null),
                "{}", false, now);
    }

    /** A status of the box with its teacher camera in the given state (and a second camera, id {@code cam/student}). */
    void report(String box, DeviceState teacherCamera) {
        long now = System.currentTimeMillis();
        fleet.apply(new StatusMessage(1, box, now, "boot-" + box, nextSeq(), 10,
                List.of(new CameraStatus("cam-teacher", CameraRole.TEACHER, CameraKind.RTSP, teacherCamera, 1920, 1080, 25.0, 4000,
                                false, teacherCamera == DeviceState.OK ? null : "RTSP 401 Unauthorized"),
                        new CameraStatus("cam/student", CameraRole.STUDENT, CameraKind.USB, DeviceState.OK, 1280, 720, 25.0, 2000, false, null)),
                List.of(new MicrophoneStatus("mic-room", "room", DeviceState.OK, -30.5, -9.0, false, false, null)),
                new NetworkStatus("up", "eth0", 18.0, 2.0, 0.0, 20_000, 3.0, List.of()),
                new SystemStatus(12.5, 40.0, 50_000L, 48.0, 3600L), null), "{}", false, now);
    }

    @Override
    public void close() {
        server.close();
    }
}
