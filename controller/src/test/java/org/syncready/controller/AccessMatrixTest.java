package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Role;
import org.syncready.controller.api.RouteEntry;

/**
 * Every route of the router × every role (and anonymous) × a resource of the caller's own school and
 * one of another school: the expected answer is written here, route by route, independently of the
 * policies in the code. A route the router has and this table lacks fails the build, as does a route
 * without a policy. Each state-changing route's allowed call must leave an audit entry naming the
 * user and the address.
 */
class AccessMatrixTest {
    private static final String OWN_SCHOOL = "own-school";
    private static final String OTHER_SCHOOL = "other-school";
    private static final String TERM = """
            {"id":"t1","name":"Matrix term","firstDay":"2028-03-01","lastDay":"2028-03-31","holidays":[],"makeUpDays":{},
             "periods":{"1":{"start":"08:00","end":"08:45"}}}""";

    @TempDir
    static Path data;
    static ControllerFixture f;
    static final Map<Role, String> users = new EnumMap<>(Role.class);
    static final Map<Role, String> tokens = new EnumMap<>(Role.class);
    static final AtomicInteger n = new AtomicInteger();
    static final Map<String, String> activeRollout = new HashMap<>();
    static String ownSession;
    static String otherSession;

    enum Variant { OWN, OTHER }

    /** One concrete request. */
    record Call(String method, String path, String body, String contentType) {
        static Call of(String method, String path) {
            return new Call(method, path, null, null);
        }

        static Call json(String method, String path, String body) {
            return new Call(method, path, body, "application/json");
        }
    }

    @FunctionalInterface
    interface Maker {
        Call make(Role role, Variant v) throws Exception;
    }

    @FunctionalInterface
    interface Expect {
        /** The status for {@code role} (null: anonymous) and variant. */
        int status(Role role, Variant v);
    }

    /**
     * @param audit the action an allowed call by the admin must leave in the audit log; null for reads
     *              and routes not audited
     */
    record Case(String method, String route, Maker maker, Expect expect, String audit) {
    }

    @BeforeAll
    static void start() throws Exception {
        // Simulation allowed, as in the demo: the simulate route's policy is what is checked here.
        // The EMQX hook on, so its routes' policy is what is checked (off, they answer 404 to everyone).
        f = new ControllerFixture(ControllerConfig.builder(data).freePorts().allowSimulation(true)
                .emqxHookSecret("matrix-emqx-hook-secret").build());
        for (String[] s : new String[][] {{OWN_SCHOOL, "a"}, {OTHER_SCHOOL, "b"}}) {
            f.registerBox(s[0], s[1] + "1", "box-" + s[1] + "1");
            assertEquals(201, f.post("/api/v1/classrooms", "{\"id\":\"" + s[1] + "2\",\"schoolId\":\"" + s[0]
                    + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}").status());
        }
        assertEquals(200, f.post("/api/v1/terms", TERM).status());
        users.put(Role.ADMIN, "admin");
        tokens.put(Role.ADMIN, f.adminToken);
        users.put(Role.BUREAU, "m-bureau");
        tokens.put(Role.BUREAU, f.tokenFor("m-bureau", Role.BUREAU, Set.of()));
        users.put(Role.SCHOOL_IT, "m-it");
        tokens.put(Role.SCHOOL_IT, f.tokenFor("m-it", Role.SCHOOL_IT, Set.of(OWN_SCHOOL)));
        users.put(Role.TECHNICIAN, "m-tech");
        tokens.put(Role.TECHNICIAN, f.tokenFor("m-tech", Role.TECHNICIAN, Set.of(OWN_SCHOOL)));
        f.controller.accounts().createUser("patchme", Role.BUREAU, Set.of(), null, "patchme-password");
        f.controller.accounts().createUser("someone-else", Role.BUREAU, Set.of(), null, "someone-else-password");
        ownSession = newSession(Variant.OWN);
        otherSession = newSession(Variant.OTHER);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    // ------------------------------------------------------------------ the expected table

    static Expect open(int ok) {
        return (role, v) -> ok;
    }

    static Expect loggedIn(int ok) {
        return (role, v) -> role == null ? 401 : ok;
    }

    /** Allowed roles get {@code ok}; others 403; anonymous 401. */
    static Expect roles(int ok, Role... allowed) {
        Set<Role> set = Set.of(allowed);
        return (role, v) -> role == null ? 401 : !set.contains(role) ? 403 : ok;
    }

    /** As {@link #roles}, and a school-it or technician asking about another school gets {@code outside}. */
    static Expect scoped(int ok, int outside, Role... allowed) {
        Expect base = roles(ok, allowed);
        return (role, v) -> {
            int s = base.status(role, v);
            return s == ok && v == Variant.OTHER && role.scoped() ? outside : s;
        };
    }

    static final Role[] ALL = Role.values();

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // Open, health and metrics (the test runs on the loopback address: /metrics needs no login there).
        c.add(new Case("GET", "/health", (r, v) -> Call.of("GET", "/health"), open(200), null));
        c.add(new Case("GET", "/metrics", (r, v) -> Call.of("GET", "/metrics"), open(200), null));
        // The OpenAPI document: it describes the API and holds no data.
        c.add(new Case("GET", "/openapi.json", (r, v) -> Call.of("GET", "/openapi.json"), open(200), null));
        c.add(new Case("GET", "/login", (r, v) -> Call.of("GET", "/login"), open(200), null));
        c.add(new Case("POST", "/login", (r, v) -> Call.json("POST", "/login", "{\"username\":\"" + user(r == null ? Role.BUREAU : r)
                + "\",\"password\":\"" + password(r == null ? Role.BUREAU : r) + "\"}"), open(200), "login.ok"));
        c.add(new Case("POST", "/logout", (r, v) -> Call.of("POST", "/logout"), loggedIn(204), "logout"));
        // The caller's own account and tokens.
        c.add(new Case("GET", "/api/v1/me", (r, v) -> Call.of("GET", "/api/v1/me"), loggedIn(200), null));
        c.add(new Case("POST", "/api/v1/me/password", (r, v) -> Call.json("POST", "/api/v1/me/password",
                "{\"currentPassword\":\"" + password(r) + "\",\"newPassword\":\"" + password(r) + "\"}"), loggedIn(204),
                "user.password.change"));
        c.add(new Case("GET", "/api/v1/tokens", (r, v) -> Call.of("GET", "/api/v1/tokens"), loggedIn(200), null));
        c.add(new Case("POST", "/api/v1/tokens", (r, v) -> Call.json("POST", "/api/v1/tokens", "{\"name\":\"matrix\"}"),
                loggedIn(201), "token.create"));
        c.add(new Case("DELETE", "/api/v1/tokens/:id", (r, v) -> Call.of("DELETE", "/api/v1/tokens/" + f.controller.accounts()
                .createToken(v == Variant.OWN && r != null ? user(r) : "someone-else", "to revoke", null, "admin").token().id()),
                (r, v) -> r == null ? 401 : v == Variant.OWN || r == Role.ADMIN ? 200 : 404, "token.revoke"));
        // Users: admin only.
        c.add(new Case("GET", "/api/v1/users", (r, v) -> Call.of("GET", "/api/v1/users"), roles(200, Role.ADMIN), null));
        c.add(new Case("POST", "/api/v1/users", (r, v) -> Call.json("POST", "/api/v1/users", "{\"username\":\"u" + n.incrementAndGet()
                + "\",\"role\":\"bureau\",\"password\":\"a long password\"}"), roles(201, Role.ADMIN), "user.create"));
        c.add(new Case("GET", "/api/v1/users/:username", (r, v) -> Call.of("GET", "/api/v1/users/m-bureau"), roles(200, Role.ADMIN), null));
        c.add(new Case("PATCH", "/api/v1/users/:username", (r, v) -> Call.json("PATCH", "/api/v1/users/patchme",
                "{\"displayName\":\"Patched " + n.incrementAndGet() + "\"}"), roles(200, Role.ADMIN), "user.update"));
        c.add(new Case("POST", "/api/v1/users/:username/password", (r, v) -> Call.json("POST", "/api/v1/users/patchme/password",
                "{\"password\":\"patchme-password-" + n.incrementAndGet() + "\"}"), roles(204, Role.ADMIN), "user.password.reset"));
        // Registry.
        c.add(new Case("GET", "/api/v1/schools", (r, v) -> Call.of("GET", "/api/v1/schools"), roles(200, ALL), null));
        c.add(new Case("POST", "/api/v1/schools", (r, v) -> Call.json("POST", "/api/v1/schools", "{\"id\":\"s" + n.incrementAndGet()
                + "\",\"nameZh\":\"学校\",\"nameEn\":\"School\"}"), roles(201, Role.ADMIN), "school.create"));
        c.add(new Case("GET", "/api/v1/classrooms", (r, v) -> Call.of("GET", "/api/v1/classrooms?school=" + school(v)),
                scoped(200, 404, ALL), null));
        c.add(new Case("POST", "/api/v1/classrooms", (r, v) -> Call.json("POST", "/api/v1/classrooms", "{\"id\":\"c" + n.incrementAndGet()
                        + "\",\"schoolId\":\"" + school(v) + "\",\"nameZh\":\"教室\",\"nameEn\":\"Room\"}"),
                scoped(201, 404, Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN), "classroom.create"));
        c.add(new Case("GET", "/api/v1/boxes", (r, v) -> Call.of("GET", "/api/v1/boxes?school=" + school(v)), scoped(200, 404, ALL), null));
        c.add(new Case("POST", "/api/v1/boxes", (r, v) -> Call.json("POST", "/api/v1/boxes", "{\"id\":\"bx" + n.incrementAndGet()
                        + "\",\"classroomId\":\"" + classroom(v) + "\",\"model\":\"generic-recorder-a\"}"),
                scoped(201, 404, Role.ADMIN, Role.TECHNICIAN), "box.register"));
        for (String suffix : new String[] {"", "/history", "/events", "/config"}) {
            c.add(new Case("GET", "/api/v1/boxes/:id" + suffix, (r, v) -> Call.of("GET", "/api/v1/boxes/" + box(v) + suffix),
                    scoped(200, 404, ALL), null));
        }
        c.add(new Case("GET", "/api/v1/boxes/:id/config/preview", (r, v) -> Call.of("GET", "/api/v1/boxes/" + box(v)
                + "/config/preview?profile=generic-recorder-a/low-uplink-720p"), scoped(200, 404, ALL), null));
        // Sessions, terms, timetables.
        c.add(new Case("GET", "/api/v1/sessions", (r, v) -> Call.of("GET", "/api/v1/sessions?school=" + school(v)),
                scoped(200, 404, ALL), null));
        c.add(new Case("POST", "/api/v1/sessions", (r, v) -> Call.json("POST", "/api/v1/sessions", sessionBody(v)),
                scoped(201, 404, Role.ADMIN, Role.SCHOOL_IT), "session.create"));
        c.add(new Case("GET", "/api/v1/sessions/:id", (r, v) -> Call.of("GET", "/api/v1/sessions/" + session(v)),
                scoped(200, 404, ALL), null));
        c.add(new Case("PUT", "/api/v1/sessions/:id", (r, v) -> Call.json("PUT", "/api/v1/sessions/" + newSession(v), sessionBody(v)),
                scoped(200, 404, Role.ADMIN, Role.SCHOOL_IT), "session.update"));
        c.add(new Case("DELETE", "/api/v1/sessions/:id", (r, v) -> Call.of("DELETE", "/api/v1/sessions/" + newSession(v)),
                scoped(200, 404, Role.ADMIN, Role.SCHOOL_IT), "session.delete"));
        c.add(new Case("GET", "/api/v1/terms", (r, v) -> Call.of("GET", "/api/v1/terms"), roles(200, ALL), null));
        c.add(new Case("GET", "/api/v1/terms/:id", (r, v) -> Call.of("GET", "/api/v1/terms/t1"), roles(200, ALL), null));
        c.add(new Case("POST", "/api/v1/terms", (r, v) -> Call.json("POST", "/api/v1/terms", TERM), roles(200, Role.ADMIN), "term.put"));
        c.add(new Case("POST", "/api/v1/sessions/import", (r, v) -> new Call("POST", "/api/v1/sessions/import?term=t1&dryRun=true",
                "星期,节次,科目,教师,类型,主讲教室,听课教室\n周一,1,数学,王丽,直播," + classroom(v) + "," + classroom2(v) + "\n", "text/csv"),
                scoped(200, 404, Role.ADMIN, Role.SCHOOL_IT), "timetable.import"));
        // Readiness.
        c.add(new Case("GET", "/api/v1/sessions/:id/readiness", (r, v) -> Call.of("GET", "/api/v1/sessions/" + session(v) + "/readiness"),
                scoped(200, 404, ALL), null));
        c.add(new Case("POST", "/api/v1/sessions/:id/check", (r, v) -> Call.of("POST", "/api/v1/sessions/" + session(v) + "/check"),
                scoped(200, 404, Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN), "readiness.check"));
        c.add(new Case("GET", "/api/v1/readiness", (r, v) -> Call.of("GET", "/api/v1/readiness?date=2027-01-02&school=" + school(v)),
                scoped(200, 404, ALL), null));
        c.add(new Case("GET", "/api/v1/reports/readiness", (r, v) -> Call.of("GET", "/api/v1/reports/readiness"), roles(200, ALL), null));
        // Configuration and rollouts.
        c.add(new Case("GET", "/api/v1/profiles", (r, v) -> Call.of("GET", "/api/v1/profiles"), roles(200, ALL), null));
        c.add(new Case("GET", "/api/v1/profiles/:model/:name", (r, v) -> Call.of("GET", "/api/v1/profiles/generic-recorder-a/standard-1080p"),
                roles(200, ALL), null));
        // A technician naming another school's box is refused as the engine refuses an unknown box (400, "no box").
        c.add(new Case("POST", "/api/v1/rollouts", (r, v) -> {
            abortActive(box(v));
            return Call.json("POST", "/api/v1/rollouts", rolloutBody(box(v)));
        }, scoped(201, 400, Role.ADMIN, Role.TECHNICIAN), "rollout.start"));
        c.add(new Case("GET", "/api/v1/rollouts", (r, v) -> Call.of("GET", "/api/v1/rollouts"), roles(200, ALL), null));
        c.add(new Case("GET", "/api/v1/rollouts/:id", (r, v) -> Call.of("GET", "/api/v1/rollouts/" + rollout(v, false)),
                scoped(200, 404, ALL), null));
        for (String action : new String[] {"pause", "resume", "abort", "rollback"}) {
            c.add(new Case("POST", "/api/v1/rollouts/:id/" + action, (r, v) -> Call.of("POST", "/api/v1/rollouts/"
                    + rollout(v, action.equals("resume")) + "/" + action), scoped(200, 404, Role.ADMIN, Role.TECHNICIAN),
                    "rollout." + action));
        }
        // Fault simulation (demo): a command to the box, for admins and the box's technicians. The matrix's boxes are
        // offline, so an allowed call ends in 409 (after the policy let it through, before a command is sent and audited).
        c.add(new Case("POST", "/api/v1/boxes/:id/simulate", (r, v) -> Call.json("POST", "/api/v1/boxes/" + box(v) + "/simulate",
                "{\"rttMs\":250}"), scoped(409, 404, Role.ADMIN, Role.TECHNICIAN), null));
        // Enrollment and box credentials: codes for admins and the classroom school's technician or school IT; rotation
        // and revocation for admins and the box school's technician (on a box made for the call: revocation removes it).
        c.add(new Case("POST", "/api/v1/classrooms/:id/enrollment-codes", (r, v) -> Call.json("POST",
                "/api/v1/classrooms/" + classroom(v) + "/enrollment-codes", "{\"ttlHours\":1}"),
                scoped(201, 404, Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN), "enrollment.code.create"));
        c.add(new Case("GET", "/api/v1/classrooms/:id/enrollment-codes", (r, v) -> Call.of("GET",
                "/api/v1/classrooms/" + classroom(v) + "/enrollment-codes"), scoped(200, 404, Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN), null));
        c.add(new Case("DELETE", "/api/v1/classrooms/:id/enrollment-codes/:code", (r, v) -> Call.of("DELETE",
                "/api/v1/classrooms/" + classroom(v) + "/enrollment-codes/" + enrollmentCode(v).code().id()),
                scoped(200, 404, Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN), "enrollment.code.revoke"));
        // Anyone may redeem a code (a box has no account); audited with the box's address as the actor, not a user.
        c.add(new Case("POST", "/api/v1/enroll", (r, v) -> Call.json("POST", "/api/v1/enroll",
                "{\"code\":\"" + enrollmentCode(v).text() + "\"}"), open(201), null));
        c.add(new Case("POST", "/api/v1/boxes/:id/credentials", (r, v) -> Call.of("POST", "/api/v1/boxes/" + box(v) + "/credentials"),
                scoped(200, 404, Role.ADMIN, Role.TECHNICIAN), "box.credentials.rotate"));
        c.add(new Case("DELETE", "/api/v1/boxes/:id", (r, v) -> Call.of("DELETE", "/api/v1/boxes/" + f.controller.registry()
                .registerBox("rv" + n.incrementAndGet(), classroom(v), "generic-recorder-a").box().id()),
                scoped(200, 404, Role.ADMIN, Role.TECHNICIAN), "box.revoke"));
        // Self-test of one box: admins, and the box's technicians and school IT. The matrix's boxes are offline, so an
        // allowed call ends in 409 (after the policy let it through, before a command is sent and audited).
        c.add(new Case("POST", "/api/v1/boxes/:id/selftest", (r, v) -> Call.json("POST", "/api/v1/boxes/" + box(v) + "/selftest", "{}"),
                scoped(409, 404, Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT), null));
        // Audit: admin and bureau.
        c.add(new Case("GET", "/api/v1/audit", (r, v) -> Call.of("GET", "/api/v1/audit?limit=5"), roles(200, Role.ADMIN, Role.BUREAU), null));
        // The speed test is for boxes (HTTP Basic boxId:secret): no user token opens it.
        c.add(new Case("POST", "/api/v1/speedtest", (r, v) -> new Call("POST", "/api/v1/speedtest", "0123456789", "application/octet-stream"),
                open(401), null));
        // The EMQX hook is for the broker (the shared secret in X-SyncReady-Broker-Secret): no user token opens it.
        c.add(new Case("POST", "/api/v1/broker/emqx/authenticate", (r, v) -> Call.json("POST", "/api/v1/broker/emqx/authenticate",
                "{\"clientid\":\"" + box(v) + "\",\"username\":\"" + box(v) + "\",\"password\":\"x\"}"), open(401), null));
        c.add(new Case("POST", "/api/v1/broker/emqx/authorize", (r, v) -> Call.json("POST", "/api/v1/broker/emqx/authorize",
                "{\"clientid\":\"" + box(v) + "\",\"username\":\"" + box(v) + "\",\"topic\":\"#\",\"action\":\"subscribe\"}"),
                open(401), null));
        // Alerts: channels for admin and bureau (bureau channels) and school IT (their school's); notices for every role.
        Role[] managers = {Role.ADMIN, Role.BUREAU, Role.SCHOOL_IT};
        Role[] repairers = {Role.ADMIN, Role.BUREAU, Role.SCHOOL_IT, Role.TECHNICIAN};
        String alerts = "/api/v1/alerts";
        c.add(new Case("GET", alerts + "/channels", (r, v) -> Call.of("GET", alerts + "/channels"), roles(200, managers), null));
        c.add(new Case("POST", alerts + "/channels", (r, v) -> Call.json("POST", alerts + "/channels", channelBody(v)),
                scoped(201, 404, managers), "alert.channel.create"));
        c.add(new Case("GET", alerts + "/channels/:id", (r, v) -> Call.of("GET", alerts + "/channels/" + channel(v)),
                scoped(200, 404, managers), null));
        c.add(new Case("PUT", alerts + "/channels/:id", (r, v) -> Call.json("PUT", alerts + "/channels/" + channel(v), "{\"name\":\"renamed\"}"),
                scoped(200, 404, managers), "alert.channel.update"));
        c.add(new Case("DELETE", alerts + "/channels/:id", (r, v) -> Call.of("DELETE", alerts + "/channels/" + channel(v)),
                scoped(204, 404, managers), "alert.channel.delete"));
        c.add(new Case("POST", alerts + "/channels/:id/test", (r, v) -> Call.of("POST", alerts + "/channels/" + channel(v) + "/test"),
                scoped(200, 404, managers), "alert.channel.test"));
        c.add(new Case("GET", alerts + "/channels/:id/deliveries", (r, v) -> Call.of("GET", alerts + "/channels/" + channel(v)
                + "/deliveries"), scoped(200, 404, managers), null));
        c.add(new Case("GET", alerts + "/notices", (r, v) -> Call.of("GET", alerts + "/notices?school=" + school(v)), scoped(200, 404, ALL), null));
        c.add(new Case("GET", alerts + "/notices/:id", (r, v) -> Call.of("GET", alerts + "/notices/" + notice(v)), scoped(200, 404, ALL), null));
        c.add(new Case("POST", alerts + "/notices/:id/ack", (r, v) -> Call.json("POST", alerts + "/notices/" + notice(v) + "/ack", "{}"),
                scoped(200, 404, repairers), "alert.ack"));
        c.add(new Case("GET", alerts + "/problems", (r, v) -> Call.of("GET", alerts + "/problems?school=" + school(v)), scoped(200, 404, ALL), null));
        // An acknowledge link's token is its credential: anyone may open one; a token not made by this controller is not found.
        c.add(new Case("GET", alerts + "/ack/:token", (r, v) -> Call.of("GET", alerts + "/ack/AAAA.BBBB"), open(404), null));
        c.add(new Case("POST", alerts + "/ack/:token", (r, v) -> new Call("POST", alerts + "/ack/AAAA.BBBB", "by=x",
                "application/x-www-form-urlencoded"), open(404), null));
        // The built-in inbox: reading it is open on loopback (the demo's newcomer); writing needs a channel's signature.
        c.add(new Case("GET", alerts + "/inbox", (r, v) -> Call.of("GET", alerts + "/inbox"), open(200), null));
        c.add(new Case("POST", alerts + "/inbox", (r, v) -> Call.json("POST", alerts + "/inbox", "{}"), open(403), null));
        c.add(new Case("GET", alerts + "/quiet-hours", (r, v) -> Call.of("GET", alerts + "/quiet-hours"), roles(200, managers), null));
        c.add(new Case("PUT", alerts + "/quiet-hours/:school", (r, v) -> Call.json("PUT", alerts + "/quiet-hours/" + school(v),
                "{\"from\":\"21:00\",\"to\":\"06:30\"}"), scoped(200, 404, managers), "alert.quiet-hours"));
        c.add(new Case("DELETE", alerts + "/quiet-hours/:school", (r, v) -> {
            f.controller.alerts().setQuietHours(school(v), java.time.LocalTime.of(21, 0), java.time.LocalTime.of(6, 30));
            return Call.of("DELETE", alerts + "/quiet-hours/" + school(v));
        }, scoped(200, 404, managers), "alert.quiet-hours"));
        c.add(new Case("GET", alerts + "/maintenance", (r, v) -> Call.of("GET", alerts + "/maintenance"), roles(200, ALL), null));
        c.add(new Case("POST", alerts + "/maintenance", (r, v) -> Call.json("POST", alerts + "/maintenance", "{\"schoolId\":\"" + school(v)
                + "\",\"until\":\"" + java.time.Instant.now().plus(Duration.ofHours(1)) + "\"}"), scoped(201, 404, repairers),
                "alert.maintenance"));
        c.add(new Case("DELETE", alerts + "/maintenance/:id", (r, v) -> Call.of("DELETE", alerts + "/maintenance/"
                + f.controller.alerts().addMaintenance(school(v), null, java.time.Instant.now().plus(Duration.ofHours(1)), "m", "admin").id()),
                scoped(200, 404, repairers), "alert.maintenance"));
        c.addAll(taskPageCases());
        // The web console (pages: HTML, refusals as pages; a browser not logged in is sent to the login form, 303).
        c.add(new Case("GET", "/console/assets/:version/:name", (r, v) -> Call.of("GET", consoleAsset("console.css")), open(200), null));
        c.add(new Case("GET", "/", (r, v) -> Call.of("GET", "/"), open(303), null));
        c.add(new Case("GET", "/console", (r, v) -> Call.of("GET", "/console"), open(303), null));
        c.add(new Case("GET", "/console/lang", (r, v) -> Call.of("GET", "/console/lang?to=en&back=/console/today"), open(303), null));
        c.add(new Case("GET", "/console/today", (r, v) -> Call.of("GET", "/console/today"), (role, v) -> role == null ? 303 : 200, null));
        c.add(new Case("GET", "/console/schools", (r, v) -> Call.of("GET", "/console/schools"), open(303), null));
        c.add(new Case("GET", "/console/schools/:id", (r, v) -> Call.of("GET", "/console/schools/" + school(v)), page(200, ALL), null));
        c.add(new Case("GET", "/console/boxes/:id", (r, v) -> Call.of("GET", "/console/boxes/" + box(v)), page(200, ALL), null));
        // The live stream: only its status is read (the stream itself does not end).
        c.add(new Case("GET", "/console/boxes/:id/live", (r, v) -> Call.of("GET", "/console/boxes/" + box(v) + "/live"),
                (role, v) -> role == null ? 401 : v == Variant.OTHER && role.scoped() ? 403 : 200, null));
        c.add(new Case("GET", "/console/boxes/:id/history", (r, v) -> Call.of("GET", "/console/boxes/" + box(v) + "/history?range=1h"),
                page(200, ALL), null));
        // The matrix's boxes are offline: the self-test and re-probe answer a fragment saying so (200), after the policy.
        c.add(new Case("POST", "/console/boxes/:id/selftest", (r, v) -> Call.of("POST", "/console/boxes/" + box(v) + "/selftest"),
                pageAction(200, Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT), null));
        c.add(new Case("POST", "/console/boxes/:id/reprobe", (r, v) -> Call.of("POST", "/console/boxes/" + box(v) + "/reprobe"),
                pageAction(200, Role.ADMIN, Role.TECHNICIAN, Role.SCHOOL_IT), "box.reprobe"));
        c.add(new Case("GET", "/console/sessions/:id", (r, v) -> Call.of("GET", "/console/sessions/" + session(v)), page(200, ALL), null));
        c.add(new Case("POST", "/console/sessions/:id/check", (r, v) -> Call.of("POST", "/console/sessions/" + session(v) + "/check"),
                pageAction(200, Role.ADMIN, Role.SCHOOL_IT, Role.TECHNICIAN), "readiness.check"));
        return c;
    }

    /** A console page: anonymous is sent to the login form (303); other roles 403; another school's resource 403 too. */
    static Expect page(int ok, Role... allowed) {
        Set<Role> set = Set.of(allowed);
        return (role, v) -> role == null ? 303 : !set.contains(role) ? 403 : v == Variant.OTHER && role.scoped() ? 403 : ok;
    }

    /** A console action (POST): anonymous 401 (an error page, no redirect for a POST), other roles and schools 403. */
    static Expect pageAction(int ok, Role... allowed) {
        Set<Role> set = Set.of(allowed);
        return (role, v) -> role == null ? 401 : !set.contains(role) ? 403 : v == Variant.OTHER && role.scoped() ? 403 : ok;
    }

    /** The versioned URL of a console asset, as the pages name it. */
    static String consoleAsset(String name) throws Exception {
        String page = f.as(f.adminToken).get("/console/today").text();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(/console/assets/[^/\"]+/" + java.util.regex.Pattern.quote(name) + ")").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no " + name + " on the Today page");
        }
        return m.group(1);
    }

    /** A DingTalk channel of the variant's school, at an address of its own (each gets its own pace and backoff). */
    static String channelBody(Variant v) {
        return "{\"name\":\"m\",\"schoolId\":\"" + school(v) + "\",\"kind\":\"dingtalk\",\"url\":\"http://127.0.0.1:9/robot/send?access_token=t"
                + n.incrementAndGet() + "\"}";
    }

    static String channel(Variant v) throws Exception {
        return f.controller.alerts().createChannel(f.json.readTree(channelBody(v))).id();
    }

    /** A notice of the variant's school (a test message's). */
    static long notice(Variant v) throws Exception {
        f.controller.alerts().test(channel(v));
        return f.controller.alerts().notices(school(v), 1).get(0).notice().id();
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void everyRouteHasAPolicyAndARowInThisTable() {
        List<RouteEntry> table = f.controller.routeTable();
        List<String> without = table.stream().filter(e -> e.policy() == null && e.infrastructure() == null)
                .map(e -> e.methods() + " " + e.path()).toList();
        assertEquals(List.of(), without, "routes without a declared policy");
        List<String> infra = table.stream().filter(e -> e.policy() == null).map(e -> e.methods() + " " + e.path()).toList();
        assertTrue(table.stream().filter(e -> e.policy() == null).allMatch(e -> e.path() == null),
                "only the router's own catch-all routes may go without a policy: " + infra);

        Set<String> routed = table.stream().filter(e -> e.policy() != null)
                .map(e -> String.join(",", e.methods()) + " " + e.path()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> tested = cases().stream().map(c -> c.method() + " " + c.route()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> untested = new TreeSet<>(routed);
        untested.removeAll(tested);
        Set<String> gone = new TreeSet<>(tested);
        gone.removeAll(routed);
        assertEquals(Set.of(), untested, "routes missing from the access matrix: add their expected answers here");
        assertEquals(Set.of(), gone, "matrix rows for routes the router does not have");
    }

    @Test
    void eachRoleGetsExactlyTheAnswersTheTableExpectsAndStateChangesAreAudited() throws Exception {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Case c : cases()) {
            for (Role role : roles()) {
                for (Variant v : Variant.values()) {
                    Call call = c.maker().make(role, v);
                    long lastAudit = lastAuditId();
                    ControllerFixture.Response r = send(role, call);
                    calls++;
                    int expected = c.expect().status(role, v);
                    if (r.status() != expected) {
                        wrong.add(String.format("%-7s %-40s %-10s %-5s expected %d, got %d: %s", c.method(), call.path(),
                                role == null ? "anonymous" : role.label(), v, expected, r.status(), abbreviate(r.text())));
                    }
                    if (c.audit() != null && role == Role.ADMIN && v == Variant.OWN && r.status() == expected) {
                        checkAudited(c, lastAudit, wrong);
                    }
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " of " + calls + " answers differ from the matrix:\n" + String.join("\n", wrong));
        }
    }

    @Test
    void listsShowOnlyTheCallersSchools() throws Exception {
        String rolloutOwn = rollout(Variant.OWN, false);
        String rolloutOther = rollout(Variant.OTHER, false);
        for (Role role : new Role[] {Role.SCHOOL_IT, Role.TECHNICIAN}) {
            ControllerFixture.Client c = f.as(tokens.get(role));
            assertEquals(List.of(OWN_SCHOOL), ids(c.get("/api/v1/schools").body(), "id"), role.label());
            JsonNode rooms = c.get("/api/v1/classrooms").body();
            assertTrue(ids(rooms, "id").containsAll(List.of("a1", "a2")) && ids(rooms, "schoolId").stream().allMatch(OWN_SCHOOL::equals),
                    role.label() + " " + rooms);
            assertTrue(ids(c.get("/api/v1/boxes").body(), "schoolId").stream().allMatch(OWN_SCHOOL::equals), role.label());
            assertTrue(ids(c.get("/api/v1/boxes").body(), "id").contains("box-a1"));
            List<String> sessions = ids(c.get("/api/v1/sessions?from=2027-01-01&to=2027-03-01").body(), "id");
            assertTrue(sessions.contains(ownSession) && !sessions.contains(otherSession), role.label() + " " + sessions);
            JsonNode board = c.get("/api/v1/readiness?date=" + day(ownSession)).body();
            assertTrue(ids(board.path("sessions"), "leadSchoolId").stream().allMatch(OWN_SCHOOL::equals), board.toString());
            JsonNode report = c.get("/api/v1/reports/readiness?from=2027-01-01&to=2027-03-01").body();
            assertEquals(List.of(OWN_SCHOOL), ids(report.path("rows"), "key"), report.toString());
            List<String> rollouts = ids(c.get("/api/v1/rollouts").body(), "id");
            assertTrue(rollouts.contains(rolloutOwn) && !rollouts.contains(rolloutOther), rollouts.toString());
        }
        ControllerFixture.Client bureau = f.as(tokens.get(Role.BUREAU));
        assertTrue(ids(bureau.get("/api/v1/schools").body(), "id").containsAll(List.of(OWN_SCHOOL, OTHER_SCHOOL)));
        List<String> all = ids(bureau.get("/api/v1/sessions?from=2027-01-01&to=2027-03-01").body(), "id");
        assertTrue(all.contains(ownSession) && all.contains(otherSession));
        assertEquals(Set.of(OWN_SCHOOL, OTHER_SCHOOL), Set.copyOf(ids(bureau.get("/api/v1/reports/readiness?from=2027-01-01&to=2027-03-01")
                .body().path("rows"), "key")));
        List<String> rollouts = ids(bureau.get("/api/v1/rollouts").body(), "id");
        assertTrue(rollouts.contains(rolloutOwn) && rollouts.contains(rolloutOther));
    }

    // ------------------------------------------------------------------ helpers

    private static List<Role> roles() {
        List<Role> r = new ArrayList<>();
        r.add(null);
        r.addAll(Arrays.asList(Role.values()));
        return r;
    }

    private static ControllerFixture.Response send(Role role, Call call) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(call.path()));
        if (call.path().endsWith("/live")) {
            // An event stream never ends: take its status and headers, then hang up.
            if (role != null) {
                b.header("Authorization", "Bearer " + tokens.get(role));
            }
            java.net.http.HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient().send(
                    b.header("Accept", "text/event-stream").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return new ControllerFixture.Response(r.statusCode(), null, "", r.headers());
        }
        if (role != null) {
            b.header("Authorization", "Bearer " + tokens.get(role));
        }
        if (call.body() == null) {
            b.method(call.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", call.contentType()).method(call.method(),
                    HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
        }
        return f.send(b.build());
    }

    private static long lastAuditId() throws Exception {
        JsonNode newest = f.get("/api/v1/audit?limit=1").body();
        return newest.isEmpty() ? 0 : newest.get(0).path("id").asLong();
    }

    /** The entry is written right after the answer is sent, on a worker: it may take a moment to appear. */
    private static void checkAudited(Case c, long after, List<String> wrong) throws Exception {
        JsonNode found;
        try {
            found = await().atMost(Duration.ofSeconds(5)).until(() -> auditEntry(c.audit(), after), java.util.Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            wrong.add(c.method() + " " + c.route() + ": no audit entry '" + c.audit() + "' by admin after #" + after);
            return;
        }
        if (!"127.0.0.1".equals(found.path("source").asText())) {
            wrong.add(c.method() + " " + c.route() + ": audit entry without the source address: " + found);
        }
    }

    private static JsonNode auditEntry(String action, long after) throws Exception {
        for (JsonNode e : f.get("/api/v1/audit?actor=admin&action=" + action + "&limit=20").body()) {
            if (e.path("id").asLong() > after && e.path("action").asText().equals(action)) {
                return e;
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    private static List<String> ids(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    static String user(Role role) {
        return users.get(role);
    }

    static String password(Role role) {
        return role == Role.ADMIN ? ControllerFixture.ADMIN_PASSWORD : users.get(role) + "-password";
    }

    static String school(Variant v) {
        return v == Variant.OWN ? OWN_SCHOOL : OTHER_SCHOOL;
    }

    static String classroom(Variant v) {
        return v == Variant.OWN ? "a1" : "b1";
    }

    static String classroom2(Variant v) {
        return v == Variant.OWN ? "a2" : "b2";
    }

    static org.syncready.controller.enroll.EnrollmentCodes.Issued enrollmentCode(Variant v) {
        return f.controller.enrollment().create(classroom(v), java.time.Duration.ofHours(1),
                org.syncready.controller.audit.Actor.system("matrix"));
    }

    static String box(Variant v) {
        return v == Variant.OWN ? "box-a1" : "box-b1";
    }

    static String session(Variant v) {
        return v == Variant.OWN ? ownSession : otherSession;
    }

    /** A new day for each session, so sessions never overlap. */
    static String sessionBody(Variant v) {
        String day = LocalDate.parse("2027-01-01").plusDays(n.incrementAndGet()).toString();
        return "{\"leadClassroomId\":\"" + classroom(v) + "\",\"remoteClassroomIds\":[\"" + classroom2(v) + "\"],\"subject\":\"数学\","
                + "\"start\":\"" + day + "T08:00\",\"end\":\"" + day + "T08:45\"}";
    }

    static String newSession(Variant v) throws Exception {
        ControllerFixture.Response r = f.post("/api/v1/sessions", sessionBody(v));
        assertEquals(201, r.status(), r.text());
        return r.body().path("id").asText();
    }

    private static String day(String sessionId) throws Exception {
        return f.get("/api/v1/sessions/" + sessionId).body().path("start").asText().substring(0, 10);
    }

    /** A change every time (the bitrate override), so the box never already runs it. */
    static String rolloutBody(String box) {
        return "{\"profile\":\"generic-recorder-a/standard-1080p\",\"target\":{\"boxes\":[\"" + box + "\"]},"
                + "\"overrides\":{\"boxes\":{\"" + box + "\":{\"video\":{\"bitrateKbps\":" + (2000 + n.incrementAndGet()) + "}}}}}";
    }

    static void abortActive(String box) throws Exception {
        String id = activeRollout.remove(box);
        if (id != null) {
            f.post("/api/v1/rollouts/" + id + "/abort", "{}");
        }
        // The rollout a caller under test may have started.
        for (JsonNode r : f.get("/api/v1/rollouts").body()) {
            if (r.path("state").asText().matches("running|paused") && r.path("target").asText().contains(box)) {
                f.post("/api/v1/rollouts/" + r.path("id").asText() + "/abort", "{}");
            }
        }
    }

    /** A fresh running rollout of the variant's box (paused if asked), started by the admin. */
    static String rollout(Variant v, boolean paused) throws Exception {
        abortActive(box(v));
        ControllerFixture.Response r = f.post("/api/v1/rollouts", rolloutBody(box(v)));
        assertEquals(201, r.status(), r.text());
        String id = r.body().path("id").asText();
        activeRollout.put(box(v), id);
        if (paused) {
            assertEquals(200, f.post("/api/v1/rollouts/" + id + "/pause", "{}").status());
        }
        return id;
    }

    /** The console's task pages (console-tasks): the roles and schools of the matching /api/v1 routes. */
    static List<Case> taskPageCases() {
        List<Case> c = new ArrayList<>();
        Role[] importers = {Role.ADMIN, Role.SCHOOL_IT};
        Role[] rollers = {Role.ADMIN, Role.TECHNICIAN};
        c.add(new Case("GET", "/console/timetable", (r, v) -> Call.of("GET", "/console/timetable"), anyPage(200, importers), null));
        // The API's answer for a file whose lead classroom is another school's: 404, before anything is read into the store.
        c.add(new Case("POST", "/console/timetable/import", (r, v) -> upload("t1", "星期,节次,科目,教师,类型,主讲教室,听课教室\n周一,1,数学,王丽,直播,"
                + classroom(v) + "," + classroom2(v) + "\n"), action(200, 404, importers), "timetable.import"));
        c.add(new Case("GET", "/console/timetable/sessions/:id", (r, v) -> Call.of("GET", "/console/timetable/sessions/" + session(v)),
                page(200, importers), null));
        c.add(new Case("POST", "/console/timetable/sessions/:id", (r, v) -> form("/console/timetable/sessions/" + newSession(v),
                "leadClassroomId=" + classroom(v) + "&remoteClassroomIds=" + classroom2(v) + "&subject=sx&kind=live&date="
                        + LocalDate.parse("2027-01-01").plusDays(n.incrementAndGet()) + "&start=09:00&end=09:45"),
                action(303, 403, importers), "session.update"));
        c.add(new Case("POST", "/console/timetable/sessions/:id/delete", (r, v) -> form("/console/timetable/sessions/" + newSession(v)
                + "/delete", ""), action(303, 403, importers), "session.delete"));
        c.add(new Case("GET", "/console/terms", (r, v) -> Call.of("GET", "/console/terms"), anyPage(200, ALL), null));
        c.add(new Case("POST", "/console/terms", (r, v) -> form("/console/terms", "json=" + java.net.URLEncoder.encode(TERM, StandardCharsets.UTF_8)),
                action(303, 303, Role.ADMIN), "term.put"));
        c.add(new Case("GET", "/console/rollouts", (r, v) -> Call.of("GET", "/console/rollouts"), anyPage(200, ALL), null));
        c.add(new Case("GET", "/console/rollouts/new", (r, v) -> Call.of("GET", "/console/rollouts/new"), anyPage(200, rollers), null));
        // A technician naming another school's box is refused as the API refuses it: 400, "no box".
        c.add(new Case("POST", "/console/rollouts/preview", (r, v) -> {
            abortActive(box(v));
            return form("/console/rollouts/preview", rolloutForm(box(v)));
        }, action(200, 400, rollers), null));
        c.add(new Case("POST", "/console/rollouts", (r, v) -> {
            abortActive(box(v));
            return form("/console/rollouts", rolloutForm(box(v)));
        }, action(201, 400, rollers), "rollout.start"));
        c.add(new Case("GET", "/console/rollouts/:id", (r, v) -> Call.of("GET", "/console/rollouts/" + rollout(v, false)), page(200, ALL), null));
        c.add(new Case("GET", "/console/rollouts/:id/progress", (r, v) -> Call.of("GET", "/console/rollouts/" + rollout(v, false) + "/progress"),
                page(200, ALL), null));
        for (String action : new String[] {"pause", "resume", "abort", "rollback"}) {
            c.add(new Case("POST", "/console/rollouts/:id/" + action, (r, v) -> form("/console/rollouts/" + rollout(v, action.equals("resume"))
                    + "/" + action, ""), action(200, 403, rollers), "rollout." + action));
        }
        c.add(new Case("GET", "/console/reports", (r, v) -> Call.of("GET", "/console/reports"), anyPage(200, ALL), null));
        c.add(new Case("GET", "/console/audit", (r, v) -> Call.of("GET", "/console/audit"), anyPage(200, Role.ADMIN, Role.BUREAU), null));
        c.add(new Case("GET", "/console/users", (r, v) -> Call.of("GET", "/console/users"), anyPage(200, Role.ADMIN), null));
        c.add(new Case("POST", "/console/users", (r, v) -> form("/console/users", "username=cu" + n.incrementAndGet()
                + "&role=bureau&password=a+long+password"), action(303, 303, Role.ADMIN), "user.create"));
        c.add(new Case("GET", "/console/users/:username", (r, v) -> Call.of("GET", "/console/users/m-bureau"), anyPage(200, Role.ADMIN), null));
        c.add(new Case("POST", "/console/users/:username", (r, v) -> form("/console/users/patchme", "displayName=P" + n.incrementAndGet()
                + "&role=bureau"), action(303, 303, Role.ADMIN), "user.update"));
        c.add(new Case("POST", "/console/users/:username/password", (r, v) -> form("/console/users/patchme/password",
                "password=patchme-password-" + n.incrementAndGet()), action(303, 303, Role.ADMIN), "user.password.reset"));
        c.add(new Case("GET", "/console/account", (r, v) -> Call.of("GET", "/console/account"), anyPage(200, ALL), null));
        c.add(new Case("POST", "/console/account/password", (r, v) -> form("/console/account/password", "currentPassword="
                + (r == null ? "x" : password(r)) + "&newPassword=" + (r == null ? "x" : password(r)) + "&newPasswordAgain="
                + (r == null ? "x" : password(r))), action(303, 303, ALL), "user.password.change"));
        c.add(new Case("POST", "/console/account/tokens", (r, v) -> form("/console/account/tokens", "name=matrix"), action(201, 201, ALL),
                "token.create"));
        // The account page revokes the caller's own tokens only (an admin revokes others' through the API).
        c.add(new Case("POST", "/console/account/tokens/:id/revoke", (r, v) -> form("/console/account/tokens/" + f.controller.accounts()
                .createToken(v == Variant.OWN && r != null ? user(r) : "someone-else", "to revoke", null, "admin").token().id()
                + "/revoke", ""), (r, v) -> r == null ? 401 : v == Variant.OWN ? 303 : 404, "token.revoke"));
        return c;
    }

    /** A console page (GET) not bound to a school: anonymous is sent to the login form (303), other roles 403. */
    static Expect anyPage(int ok, Role... allowed) {
        Set<Role> set = Set.of(allowed);
        return (role, v) -> role == null ? 303 : !set.contains(role) ? 403 : ok;
    }

    /**
     * A console action (a form's POST): anonymous 401 (answered as a page), other roles 403, a scoped role's call on another
     * school's resource {@code outside}, allowed roles {@code ok}.
     */
    static Expect action(int ok, int outside, Role... allowed) {
        Set<Role> set = Set.of(allowed);
        return (role, v) -> role == null ? 401 : !set.contains(role) ? 403 : v == Variant.OTHER && role.scoped() ? outside : ok;
    }

    static Call form(String path, String body) {
        return new Call("POST", path, body, "application/x-www-form-urlencoded");
    }

    /** The console's timetable upload: multipart, one file part, the term as a field. */
    static Call upload(String term, String csv) {
        String b = "matrixboundary";
        return new Call("POST", "/console/timetable/import", "--" + b + "\r\nContent-Disposition: form-data; name=\"term\"\r\n\r\n" + term
                + "\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + csv + "\r\n--" + b + "--\r\n", "multipart/form-data; boundary=" + b);
    }

    /** The console's rollout form for one box: a change every time (the bitrate override of the box's layer). */
    static String rolloutForm(String box) {
        return "box=" + box + "&profile=generic-recorder-a/standard-1080p&layer0=box:" + box + "&key0=video.bitrateKbps&value0="
                + (2000 + n.incrementAndGet());
    }
}
