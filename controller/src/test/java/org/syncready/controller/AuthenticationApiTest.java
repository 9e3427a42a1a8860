package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Role;

/**
 * Logging in over real HTTP: tokens, HTTP Basic, the login page and its session cookie with CSRF,
 * refusals that do not tell whether a user exists, guessing slowed, first start, the audit trail.
 */
class AuthenticationApiTest {
    private static final String IT_PASSWORD = "wang-it-password";

    @TempDir
    Path data;
    private TestClock clock;
    private ControllerFixture f;

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(Instant.now());
        f = new ControllerFixture(data, clock);
        f.registerBox("hexi", "hexi-g3", "box-hexi-g3");
        f.registerBox("shanbei", "shanbei-g3", "box-shanbei-g3");
        f.post("/api/v1/classrooms", "{\"id\":\"hexi-g4\",\"schoolId\":\"hexi\",\"nameZh\":\"四年级\",\"nameEn\":\"G4\"}");
        f.controller.accounts().createUser("wang", Role.SCHOOL_IT, Set.of("hexi"), "王老师", IT_PASSWORD);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void withoutCredentialsOnlyHealthMetricsAndTheLoginPageAnswer() throws Exception {
        ControllerFixture.Response anon = f.as(null).get("/api/v1/boxes");
        assertEquals(401, anon.status());
        assertEquals("unauthorized", anon.body().path("error").asText());
        assertEquals("Bearer realm=\"SyncReady\"", anon.headers().firstValue("WWW-Authenticate").orElse(""),
                "no Basic challenge: a browser must not start sending a cached password by itself");
        assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/api/v1/boxes")).header("Authorization", "Token abc").build()).status());
        assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/api/v1/boxes")).header("Authorization", "Basic !!!").build()).status());
        assertEquals(200, f.as(null).get("/health").status());
        assertTrue(f.as(null).get("/metrics").text().contains("syncready_api_auth_total"), "metrics are open on loopback");
        assertEquals(200, f.as(null).get("/login").status());
        assertEquals(404, f.as(null).get("/api/v1/nothing-here").status(), "an unknown path is a plain 404");
        assertEquals(401, f.as(null).post("/api/v1/boxes", "{}").status());
    }

    @Test
    void aWrongPasswordGetsTheSameAnswerAsAnUnknownUserAndIsAudited() throws Exception {
        ControllerFixture.Response wrong = basic("wang", "not-the-password", "/api/v1/me");
        ControllerFixture.Response unknown = basic("nobody", "not-the-password", "/api/v1/me");
        assertEquals(401, wrong.status());
        assertEquals(wrong.text(), unknown.text());
        ControllerFixture.Response wrongForm = login("wang", "still-not-it");
        ControllerFixture.Response unknownForm = login("nobody-at-all", "still-not-it");
        assertEquals(401, wrongForm.status());
        assertEquals(wrongForm.text(), unknownForm.text());

        ControllerFixture.Response ok = basic("wang", IT_PASSWORD, "/api/v1/me");
        assertEquals(200, ok.status(), ok.text());
        assertEquals("password", ok.body().path("authenticatedBy").asText());
        assertEquals(List.of("hexi"), List.of(ok.body().path("schools").get(0).asText()));

        JsonNode failed = f.get("/api/v1/audit?action=login.failed").body();
        assertEquals(4, failed.size(), failed.toString());
        Set<String> actors = new java.util.HashSet<>();
        failed.forEach(e -> actors.add(e.path("actor").asText()));
        assertEquals(Set.of("wang", "nobody", "nobody-at-all"), actors);
        assertTrue(failed.toString().contains("\"source\":\"127.0.0.1\""));
        assertFalse(f.get("/api/v1/audit").text().contains("not-the-password"), "passwords never reach the audit log");
    }

    @Test
    void guessingAPasswordIsSlowedEvenWithTheRightOneUntilTheDelayPasses() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertEquals(401, login("wang", "guess-number-" + i).status());
        }
        ControllerFixture.Response slowed = login("wang", IT_PASSWORD);
        assertEquals(429, slowed.status(), slowed.text());
        assertEquals("1", slowed.headers().firstValue("Retry-After").orElse(""));
        assertEquals(429, basic("wang", IT_PASSWORD, "/api/v1/me").status(), "HTTP Basic is the same door");
        assertEquals(429, login("wang", "guess-number-7").status(), "a guess during the delay is not even checked");
        clock.advance(Duration.ofMillis(1001));
        assertEquals(401, login("wang", "guess-number-8").status());
        assertEquals("2", login("wang", IT_PASSWORD).headers().firstValue("Retry-After").orElse(""), "the delay doubles");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(200, login("wang", IT_PASSWORD).status());
        assertTrue(f.metricsText().contains("syncready_api_logins_seconds_count{outcome=\"throttled\"}"));
    }

    @Test
    void tokensWorkUntilTheyExpireOrAreRevokedAndOnlyTheirOwnerOrAnAdminRevokesThem() throws Exception {
        String wang = f.controller.accounts().createToken("wang", "setup", null, "wang").secret();
        ControllerFixture.Response made = f.as(wang).post("/api/v1/tokens", "{\"name\":\"nightly export\",\"expiresInDays\":1}");
        assertEquals(201, made.status(), made.text());
        String secret = made.body().path("secret").asText();
        String id = made.body().path("token").path("id").asText();
        assertEquals("srt_" + secret.substring(4, 12) + "…", made.body().path("token").path("hint").asText());
        JsonNode me = f.as(secret).get("/api/v1/me").body();
        assertEquals("token", me.path("authenticatedBy").asText());
        assertEquals(id, me.path("tokenId").asText());
        assertFalse(f.as(wang).get("/api/v1/tokens").text().contains(secret), "a token's secret is shown once only");

        clock.advance(Duration.ofDays(1));
        ControllerFixture.Response expired = f.as(secret).get("/api/v1/me");
        assertEquals(401, expired.status());
        assertTrue(expired.body().path("message").asText().contains("expired"), expired.text());

        String other = f.as(wang).post("/api/v1/tokens", "{\"name\":\"cron\"}").body().path("secret").asText();
        String otherId = f.as(other).get("/api/v1/me").body().path("tokenId").asText();
        String li = f.tokenFor("li", Role.TECHNICIAN, Set.of("hexi"));
        assertEquals(404, f.as(li).delete("/api/v1/tokens/" + otherId).status(), "someone else's token is not found");
        assertEquals(403, f.as(li).post("/api/v1/tokens", "{\"name\":\"for wang\",\"user\":\"wang\"}").status());
        ControllerFixture.Response revoked = f.as(wang).delete("/api/v1/tokens/" + otherId);
        assertEquals("revoked", revoked.body().path("state").asText());
        ControllerFixture.Response refused = f.as(other).get("/api/v1/me");
        assertEquals(401, refused.status());
        assertTrue(refused.body().path("message").asText().contains("revoked"), refused.text());

        ControllerFixture.Response forWang = f.post("/api/v1/tokens", "{\"name\":\"made by admin\",\"user\":\"wang\"}");
        assertEquals(201, forWang.status(), "an admin creates tokens for others");
        assertEquals("admin", forWang.body().path("token").path("createdBy").asText());
        JsonNode listed = f.as(wang).get("/api/v1/tokens").body();
        assertEquals(4, listed.size(), listed.toString());
        assertEquals(400, f.as(wang).post("/api/v1/tokens", "{\"name\":\"x\",\"expiresInDays\":4000}").status());
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndNeedsItsCsrfTokenForChanges() throws Exception {
        ControllerFixture.Response in = login("wang", IT_PASSWORD);
        assertEquals(200, in.status(), in.text());
        String setCookie = in.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(setCookie.startsWith("syncready_session="), setCookie);
        for (String attribute : List.of("; httponly", "; samesite=strict", "; path=/", "; max-age=43200")) {
            assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains(attribute), attribute + " in " + setCookie);
        }
        assertFalse(setCookie.toLowerCase(java.util.Locale.ROOT).contains("secure"), "plain HTTP: Secure would make the browser drop it");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = in.body().path("csrfToken").asText();
        assertEquals("school-it", in.body().path("role").asText());

        JsonNode me = withCookie(cookie, null, "GET", "/api/v1/me", null).body();
        assertEquals("session", me.path("authenticatedBy").asText());
        assertEquals(csrf, me.path("csrfToken").asText());

        String session = "{\"leadClassroomId\":\"hexi-g3\",\"remoteClassroomIds\":[\"hexi-g4\"],\"subject\":\"数学\","
                + "\"start\":\"2030-09-07T08:00\",\"end\":\"2030-09-07T08:45\"}";
        ControllerFixture.Response noToken = withCookie(cookie, null, "POST", "/api/v1/sessions", session);
        assertEquals(403, noToken.status());
        assertEquals("csrf", noToken.body().path("error").asText());
        assertEquals(403, withCookie(cookie, (csrf.charAt(0) == 'x' ? "y" : "x") + csrf.substring(1), "POST", "/api/v1/sessions", session).status());
        assertEquals(0, f.get("/api/v1/sessions?from=2030-09-07").body().size(), "nothing was created without the token");
        ControllerFixture.Response created = withCookie(cookie, csrf, "POST", "/api/v1/sessions", session);
        assertEquals(201, created.status(), created.text());
        assertEquals(200, withCookie(cookie, null, "GET", "/api/v1/sessions?from=2030-09-07", null).status(), "reads need no token");

        ControllerFixture.Response out = withCookie(cookie, csrf, "POST", "/logout", null);
        assertEquals(204, out.status());
        assertTrue(out.headers().firstValue("set-cookie").orElse("").contains("Max-Age=0"));
        assertEquals(401, withCookie(cookie, null, "GET", "/api/v1/me", null).status(), "the session ended on the server");
        // The API writes an entry right after its answer: the logout's may take a moment.
        List<String> expected = List.of("logout ok 204", "session.create ok 201", "session.create refused 403 csrf",
                "session.create refused 403 csrf", "login.ok ok");
        // Entries are written after their answers on API workers, so two close together may land in either order.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(expected.stream().sorted().toList(),
                trail("wang").stream().sorted().toList(), "refused attempts are audited too"));
    }

    @Test
    void theLoginFormWorksWithoutScriptsAndRefusesPostsFromOtherSites() throws Exception {
        ControllerFixture.Response page = f.as(null).get("/login");
        assertTrue(page.text().contains("name=\"username\"") && page.text().contains("name=\"password\"") && page.text().contains("登录"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));

        ControllerFixture.Response bad = form("/login", "username=wang&password=nope-nope-nope", null, null);
        assertEquals(401, bad.status());
        assertTrue(bad.text().contains("用户名或密码错误"), bad.text());

        ControllerFixture.Response ok = form("/login", "username=wang&password=" + URLEncoder.encode(IT_PASSWORD, StandardCharsets.UTF_8), null, null);
        assertEquals(303, ok.status());
        assertEquals("/", ok.headers().firstValue("Location").orElse(""), "a form login lands on the console's home");
        String cookie = ok.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        ControllerFixture.Response signedIn = withCookie(cookie, null, "GET", "/login", null);
        assertTrue(signedIn.text().contains("<b>wang</b>"), signedIn.text());
        String csrf = signedIn.text().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
        assertNotEquals(signedIn.text(), csrf);

        assertEquals(403, form("/logout", "", cookie, null).status(), "a form post needs the hidden token");
        ControllerFixture.Response out = form("/logout", "_csrf=" + csrf, cookie, null);
        assertEquals(303, out.status());
        assertEquals(401, withCookie(cookie, null, "GET", "/api/v1/me", null).status());

        String base = "http://127.0.0.1:" + f.controller.httpPort();
        assertEquals(403, form("/login", "username=wang&password=" + IT_PASSWORD, null, "https://evil.example.org").status());
        assertEquals(303, form("/login", "username=wang&password=" + IT_PASSWORD, null, base).status(), "the controller's own page");
    }

    @Test
    void adminsManageUsersAndUsersChangeTheirOwnPassword() throws Exception {
        ControllerFixture.Response weak = f.post("/api/v1/users", "{\"username\":\"zhao\",\"role\":\"technician\",\"schools\":[],\"password\":\"short\"}");
        assertEquals(400, weak.status());
        assertEquals(Set.of("/schools", "/password"), Set.of(weak.body().path("problems").get(0).path("field").asText(),
                weak.body().path("problems").get(1).path("field").asText()));
        ControllerFixture.Response made = f.post("/api/v1/users",
                "{\"username\":\"Zhao\",\"role\":\"technician\",\"schools\":[\"shanbei\"],\"displayName\":\"赵工\",\"password\":\"zhao-first-pass\"}");
        assertEquals(201, made.status(), made.text());
        assertEquals("zhao", made.body().path("username").asText());
        assertFalse(made.text().contains("zhao-first-pass"));
        assertEquals(409, f.post("/api/v1/users", "{\"username\":\"zhao\",\"role\":\"bureau\",\"password\":\"whatever-long\"}").status());
        // three attempts, each audited: refused 400, created, refused 409
        await().atMost(Duration.ofSeconds(5)).until(() -> f.get("/api/v1/audit?action=user.create").body().size() == 3);
        assertFalse(f.get("/api/v1/audit?action=user.").text().contains("zhao-first-pass"), "the password is not audited");

        assertEquals(403, basicPost("zhao", "zhao-first-pass", "/api/v1/me/password",
                "{\"currentPassword\":\"wrong-current\",\"newPassword\":\"zhao-second-pass\"}").status());
        assertEquals(204, basicPost("zhao", "zhao-first-pass", "/api/v1/me/password",
                "{\"currentPassword\":\"zhao-first-pass\",\"newPassword\":\"zhao-second-pass\"}").status());
        assertEquals(401, basic("zhao", "zhao-first-pass", "/api/v1/me").status());
        assertEquals(200, basic("zhao", "zhao-second-pass", "/api/v1/me").status());

        String token = f.controller.accounts().createToken("zhao", "script", null, "admin").secret();
        assertEquals(200, f.as(token).get("/api/v1/boxes").status());
        ControllerFixture.Client admin = f.as(f.adminToken);
        assertEquals(200, admin.patch("/api/v1/users/zhao", "{\"disabled\":true}").status());
        assertEquals(401, f.as(token).get("/api/v1/boxes").status(), "a disabled user's tokens stop at once");
        assertEquals(409, admin.patch("/api/v1/users/admin", "{\"role\":\"bureau\"}").status(), "the last admin stays");
        assertEquals(400, admin.patch("/api/v1/users/zhao", "{\"role\":\"janitor\"}").status());
        assertEquals(404, f.get("/api/v1/users/nobody").status());
    }

    @Test
    void theFirstStartCreatesAdminWithARandomPasswordInAnOwnerOnlyFile() throws Exception {
        Path fresh = data.resolve("fresh");
        try (Controller c = Controller.start(ControllerConfig.builder(fresh).freePorts().build())) {
            Path file = fresh.resolve("admin-password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = Files.readString(file).strip();
            assertEquals(20, password.length());
            ControllerFixture.Response me = f.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + c.httpPort() + "/api/v1/me"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
                    .build());
            assertEquals("admin", me.body().path("role").asText(), me.text());
        }
    }

    @Test
    void theAuditLogCannotBeChangedOrShortened() throws Exception {
        login("wang", IT_PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("syncready.db")); Statement s = c.createStatement()) {
            SQLException update = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit SET actor = 'someone else'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit"));
            assertTrue(delete.getMessage().contains("append-only"), delete.getMessage());
        }
        assertEquals("wang", f.get("/api/v1/audit?action=login.ok").body().get(0).path("actor").asText());
    }

    // ------------------------------------------------------------------ helpers

    /** A user's audit entries, newest first, as "action result" (the result cut to its status and code). */
    private List<String> trail(String actor) throws Exception {
        List<String> trail = new java.util.ArrayList<>();
        f.get("/api/v1/audit?actor=" + actor).body().forEach(e -> trail.add(e.path("action").asText() + " "
                + e.path("result").asText().replaceAll("^(ok \\d+|refused \\d+ \\w+).*", "$1")));
        return trail;
    }

    private ControllerFixture.Response login(String user, String password) throws Exception {
        return f.as(null).post("/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    private ControllerFixture.Response basic(String user, String password, String path) throws Exception {
        return f.send(HttpRequest.newBuilder(f.uri(path)).header("Authorization", basicHeader(user, password)).build());
    }

    private ControllerFixture.Response basicPost(String user, String password, String path, String body) throws Exception {
        return f.send(HttpRequest.newBuilder(f.uri(path)).header("Authorization", basicHeader(user, password))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String basicHeader(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private ControllerFixture.Response withCookie(String cookie, String csrf, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).header("Cookie", cookie);
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return f.send(b.build());
    }

    private ControllerFixture.Response form(String path, String body, String cookie, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return f.send(b.build());
    }
}
