package org.syncready.controller.alert;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.syncready.controller.TestClock;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.ReasonCode;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlAlertStore;
import org.syncready.controller.store.SqlFleetStore;
import org.syncready.controller.store.SqlScheduleStore;
import org.syncready.protocol.StateMessage;

/**
 * A county for alert scenarios: a lead school and remote schools with a classroom and a box each, a
 * real SQLite file, the real registry, schedule and live fleet, the engine under test with a clock the
 * test moves (07:30 in Asia/Shanghai to begin with), and readiness verdicts written by hand.
 */
final class AlertScene implements AutoCloseable {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    final Path dir;
    final TestClock clock = new TestClock(local(7, 30));
    final Database db;
    final FleetRegistry registry;
    final SessionStore sessions;
    final LiveFleet fleet = new LiveFleet();
    final ControllerMetrics metrics = new ControllerMetrics();
    final AckTokens tokens = new AckTokens(new byte[32], clock);
    final SecretSeal seal;
    /** What a reminder's re-check sees: the test sets it. */
    final Map<String, SessionReadiness> now = new ConcurrentHashMap<>();
    Alerts alerts;
    private long seq = 1;
    private int conn;

    AlertScene(Path dir) throws Exception {
        this.dir = dir;
        db = Database.open(dir.resolve("syncready.db"));
        seal = SecretSeal.loadOrCreate(dir.resolve("keys"));
        registry = FleetRegistry.load(new SqlFleetStore(db), "controller-secret");
        sessions = SessionStore.load(new SqlScheduleStore(db), id -> registry.classroom(id).isPresent());
        school("lead-no1", "县第一实验小学", "County No.1 Primary", "lead-g3", "三年级1班", "Grade 3 Class 1");
        registry.addClassroom("lead-g4", "lead-no1", "四年级1班", "Grade 4 Class 1");
        registry.registerBox("box-lead-g4", "lead-g4", "generic-recorder-a");
        school("hexi", "河西镇中心小学", "Hexi Central Primary", "hexi-g3", "三年级1班", "Grade 3 Class 1");
        registry.addClassroom("hexi-g4", "hexi", "四年级1班", "Grade 4 Class 1");
        registry.registerBox("box-hexi-g4", "hexi-g4", "generic-recorder-b");
        school("shanbei", "山北乡小学", "Shanbei Primary", "shanbei-g3", "三年级1班", "Grade 3 Class 1");
        school("liping", "黎坪村小", "Liping Village School", "liping-g3", "三年级1班", "Grade 3 Class 1");
        start();
    }

    void school(String id, String zh, String en, String classroom, String roomZh, String roomEn) {
        if (registry.school(id).isEmpty()) {
            registry.addSchool(id, zh, en);
        }
        registry.addClassroom(classroom, id, roomZh, roomEn);
        registry.registerBox("box-" + classroom, classroom, "generic-recorder-b");
    }

    /** Starts (or, after {@link #stopAlerts}, restarts) the engine on the same database. */
    void start() {
        Alerts.Settings settings = new Alerts.Settings(Duration.ofMinutes(10), Duration.ofMinutes(15), "T-5", Duration.ofHours(1));
        alerts = new Alerts(settings, new SqlAlertStore(db), seal, new AlertLinks(() -> "https://syncready.example.cn", tokens),
                new Alerts.Sources(registry, sessions, fleet, s -> Optional.ofNullable(now.get(s.id())), clock),
                metrics, clock, ZONE, JSON);
        alerts.start();
    }

    void stopAlerts() {
        alerts.close();
    }

    static Instant local(int hour, int minute) {
        return LocalDateTime.of(2026, 3, 2, hour, minute).atZone(ZONE).toInstant();
    }

    SyncSession session(String subject, int hour, int minute, String... remotes) {
        return sessionLedBy("lead-g3", subject, hour, minute, remotes);
    }

    SyncSession sessionLedBy(String lead, String subject, int hour, int minute, String... remotes) {
        Instant start = local(hour, minute);
        return sessions.create(new SessionDraft(lead, List.of(remotes), subject, "王老师", SessionKind.LIVE, start,
                start.plus(Duration.ofMinutes(40)), "test"));
    }

    // ------------------------------------------------------------------ verdicts

    static ClassroomReadiness ready(String classroom) {
        return new ClassroomReadiness(classroom, school(classroom), ClassroomReadiness.Role.REMOTE, "box-" + classroom, Verdict.READY,
                List.of(), null, null);
    }

    static ClassroomReadiness micSilent(String classroom) {
        return new ClassroomReadiness(classroom, school(classroom), ClassroomReadiness.Role.REMOTE, "box-" + classroom, Verdict.NOT_READY,
                List.of(new Reason(ReasonCode.MIC_SILENT, Severity.BLOCKING, "mic-room", "microphone mic-room is silent (-90 dBFS)",
                        "麦克风 mic-room 无信号（-90 dBFS）", Map.of())), null, null);
    }

    static ClassroomReadiness cameraFault(String classroom) {
        return new ClassroomReadiness(classroom, school(classroom), ClassroomReadiness.Role.REMOTE, "box-" + classroom, Verdict.NOT_READY,
                List.of(new Reason(ReasonCode.CAMERA_FAULT, Severity.BLOCKING, "cam-teacher", "camera cam-teacher has failed",
                        "摄像头 cam-teacher 故障", Map.of())), null, null);
    }

    static ClassroomReadiness uplinkLow(String classroom) {
        return new ClassroomReadiness(classroom, school(classroom), ClassroomReadiness.Role.REMOTE, "box-" + classroom, Verdict.AT_RISK,
                List.of(new Reason(ReasonCode.UPLINK_LOW, Severity.WARNING, null, "uplink 1.2 Mbit/s, the session needs 4",
                        "上行带宽 1.2 Mbit/s，课程需要 4 Mbit/s", Map.of())), null, null);
    }

    private static String school(String classroom) {
        return classroom.substring(0, classroom.indexOf('-'));
    }

    static SessionReadiness result(SyncSession s, String trigger, Instant at, ClassroomReadiness... rooms) {
        List<ClassroomReadiness> all = new ArrayList<>(List.of(rooms));
        boolean bad = all.stream().anyMatch(c -> c.verdict() == Verdict.NOT_READY);
        return new SessionReadiness(s.id(), bad ? Verdict.NOT_READY : Verdict.READY, at, trigger, all);
    }

    /** A check as ReadinessChecks reports it, then waits until its notices are queued. */
    void check(String trigger, SessionReadiness... results) {
        alerts.checked(trigger, List.of(results));
        alerts.settle();
    }

    /** Waits until every queued message was sent (or refused). */
    void drained() {
        await().atMost(Duration.ofSeconds(20)).until(() -> alerts.delivery().idle());
    }

    /** Moves the clock and runs a scan (reminders, held notices, offline boxes), then waits for the messages. */
    void advanceAndScan(Duration by) {
        clock.advance(by);
        alerts.scanNow().join();
        alerts.settle();
        drained();
    }

    // ------------------------------------------------------------------ channels

    AlertChannel channel(String id, String schoolId, ChannelKind kind, String url, String secret, String... topics) {
        ObjectNode body = JSON.createObjectNode().put("id", id).put("name", "频道 " + id).put("kind", kind.label()).put("url", url);
        if (schoolId != null) {
            body.put("schoolId", schoolId);
        }
        if (secret != null) {
            body.put("secret", secret);
        }
        if (topics.length > 0) {
            var list = body.putArray("topics");
            for (String t : topics) {
                list.add(t);
            }
        }
        return alerts.createChannel(body);
    }

    // ------------------------------------------------------------------ boxes

    void online(String box) {
        long t = clock.millis();
        fleet.apply(new StateMessage(1, box, t, "boot-" + box, seq++, ++conn, StateMessage.Presence.ONLINE), "{}", false, t);
    }

    void offline(String box) {
        long t = clock.millis();
        fleet.apply(new StateMessage(1, box, t, "boot-" + box, seq++, conn, StateMessage.Presence.OFFLINE), "{}", false, t);
    }

    @Override
    public void close() {
        alerts.close();
        db.close();
    }
}
