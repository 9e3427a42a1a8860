package org.syncready.controller.alert;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.schedule.SessionDraft;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlAlertStore;
import org.syncready.controller.store.SqlFleetStore;
import org.syncready.controller.store.SqlScheduleStore;

/**
 * The figure for "40 schools fail at once" (docs/ALERTS.md), in real time against local DingTalk
 * receivers: 40 schools NOT_READY at one T-30 check, then still NOT_READY at T-5 (escalations).
 * Two layouts: every school with its own robot plus the county's robot (readiness and escalations of
 * all), and all 40 schools' channels on ONE shared robot. For each robot: the most messages it got in
 * any minute, whether it ever answered 130101, and how long until the last school's problem reached it.
 * Written to {@code controller/target/alerts-40-schools.txt}.
 */
class FortySchoolsFigureTest {
    private static final int SCHOOLS = 40;
    @TempDir
    Path dir;

    @Test
    void fortySchoolsAtOnce() throws Exception {
        StringBuilder report = new StringBuilder("40 schools NOT_READY at one T-30 check, then at T-5 (real time, local DingTalk receivers)\n");
        report.append(run("own robot per school + county robot", false));
        report.append(run("all 40 schools on one shared robot + county robot", true));
        Path out = Path.of("target", "alerts-40-schools.txt");
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println(report);
    }

    private String run(String layout, boolean shared) throws Exception {
        Clock clock = Clock.systemUTC();
        Path home = Files.createTempDirectory(dir, "run");
        List<PlatformReceiver> robots = new ArrayList<>();
        try (Database db = Database.open(home.resolve("syncready.db"))) {
            FleetRegistry registry = FleetRegistry.load(new SqlFleetStore(db), "secret");
            SessionStore sessions = SessionStore.load(new SqlScheduleStore(db), id -> registry.classroom(id).isPresent());
            registry.addSchool("lead", "县第一实验小学", "County No.1");
            registry.addClassroom("lead-g3", "lead", "三年级1班", "Grade 3");
            Alerts alerts = new Alerts(new Alerts.Settings(Duration.ofMinutes(10), Duration.ofMinutes(15), "T-5", Duration.ofMinutes(10)),
                    new SqlAlertStore(db), SecretSeal.loadOrCreate(home.resolve("keys")),
                    new AlertLinks(() -> "https://syncready.example.cn", AckTokens.loadOrCreate(home.resolve("keys"), clock)),
                    new Alerts.Sources(registry, sessions, new LiveFleet(), s -> Optional.empty(), clock), new ControllerMetrics(),
                    clock, AlertScene.ZONE, AlertScene.JSON);
            alerts.start();
            try {
                PlatformReceiver county = PlatformReceiver.dingTalk(null, clock);
                robots.add(county);
                alerts.createChannel(channel("county", null, county.url()).put("perMinute", 20).set("topics",
                        AlertScene.JSON.createArrayNode().add("readiness").add("escalation")));
                PlatformReceiver common = shared ? PlatformReceiver.dingTalk(null, clock) : null;
                if (common != null) {
                    robots.add(common);
                }
                List<String> rooms = new ArrayList<>();
                for (int i = 1; i <= SCHOOLS; i++) {
                    String id = String.format("s%02d", i);
                    registry.addSchool(id, "第" + i + "小学", "School " + i);
                    registry.addClassroom(id + "-g3", id, "三年级1班", "Grade 3");
                    PlatformReceiver robot = common != null ? common : PlatformReceiver.dingTalk(null, clock);
                    if (common == null) {
                        robots.add(robot);
                    }
                    alerts.createChannel(channel(id + "-it", id, robot.url()));
                    rooms.add(id + "-g3");
                }
                Instant start = clock.instant().plus(Duration.ofMinutes(30));
                SyncSession s = sessions.create(new SessionDraft("lead-g3", rooms, "语文", "王老师", SessionKind.LIVE, start,
                        start.plus(Duration.ofMinutes(40)), "figure"));
                List<ClassroomReadiness> bad = rooms.stream().map(AlertScene::micSilent).toList();

                Instant t30 = clock.instant();
                alerts.checked("T-30", List.of(new SessionReadiness(s.id(), Verdict.NOT_READY, t30, "T-30", bad)));
                await().atMost(Duration.ofSeconds(60)).until(() -> allSchoolsIn(shared ? robots.get(1) : null, robots, SCHOOLS, "T-30"));
                Duration t30Last = lastDelivery(robots, t30);
                Instant t5 = clock.instant();
                alerts.checked("T-5", List.of(new SessionReadiness(s.id(), Verdict.NOT_READY, t5, "T-5", bad)));
                await().atMost(Duration.ofSeconds(60)).until(() -> allEscalated(county));
                Duration t5Last = Duration.between(t5, county.taken().get(county.taken().size() - 1).at());

                int most = robots.stream().mapToInt(PlatformReceiver::mostInAnyMinute).max().orElse(0);
                long refused = robots.stream().flatMap(r -> r.hits().stream()).filter(h -> h.answer().contains("130101")).count();
                assertEquals(0, refused, "no robot ever answered 130101");
                assertTrue(most <= 20, "no robot got more than 20 in a minute: " + most);
                StringBuilder line = new StringBuilder();
                line.append(String.format("%n%s:%n", layout));
                line.append(String.format("  county robot: %d messages in its busiest minute (%d notices: 40 T-30 + 40 escalations)%n",
                        county.mostInAnyMinute(), 2 * SCHOOLS));
                if (shared) {
                    line.append(String.format("  shared robot: %d messages in its busiest minute (40 school notices)%n", robots.get(1).mostInAnyMinute()));
                } else {
                    line.append(String.format("  school robots: %d message each%n", robots.get(1).taken().size()));
                }
                line.append(String.format("  130101 answers: %d; most in any minute on any robot: %d (limit 20)%n", refused, most));
                line.append(String.format("  T-30: last school's problem delivered %d ms after the check%n", t30Last.toMillis()));
                line.append(String.format("  T-5:  last school's escalation delivered %d ms after the check%n", t5Last.toMillis()));
                return line.toString();
            } finally {
                alerts.close();
                robots.forEach(PlatformReceiver::close);
            }
        }
    }

    private static ObjectNode channel(String id, String school, String url) {
        ObjectNode c = AlertScene.JSON.createObjectNode().put("id", id).put("name", id).put("kind", "dingtalk").put("url", url);
        if (school != null) {
            c.put("schoolId", school);
        }
        return c;
    }

    /** Every school's name reached its school channel (and the county robot). */
    private static boolean allSchoolsIn(PlatformReceiver shared, List<PlatformReceiver> robots, int n, String trigger) {
        String county = text(robots.get(0));
        String schools = shared != null ? text(shared) : String.join("\n", robots.subList(1, robots.size()).stream().map(FortySchoolsFigureTest::text).toList());
        for (int i = 1; i <= n; i++) {
            String name = "第" + i + "小学";
            if (!county.contains(trigger + " 课前检查：" + name) || !schools.contains(trigger + " 课前检查：" + name)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allEscalated(PlatformReceiver county) {
        String text = text(county);
        for (int i = 1; i <= SCHOOLS; i++) {
            if (!text.contains("升级：T-5 仍未就绪：第" + i + "小学")) {
                return false;
            }
        }
        return true;
    }

    private static Duration lastDelivery(List<PlatformReceiver> robots, Instant since) {
        Instant last = since;
        for (PlatformReceiver r : robots) {
            for (PlatformReceiver.Hit h : r.taken()) {
                if (h.at().isAfter(last)) {
                    last = h.at();
                }
            }
        }
        return Duration.between(since, last);
    }

    private static String text(PlatformReceiver r) {
        return String.join("\n", r.taken().stream().map(h -> h.body().path("markdown").path("text").asText()).toList());
    }
}
