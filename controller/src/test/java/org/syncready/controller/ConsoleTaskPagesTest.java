package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Role;
import org.syncready.controller.schedule.SyncSession;

/**
 * The console's task pages over plain HTTP with the session cookie a browser has (the browser tests in
 * integration-tests drive them in Chromium): bad input on every form gets a clear answer in place, with the
 * refusal's status, and changes nothing; a form without the CSRF token is refused; roles and schools are
 * those of the matching /api/v1 routes.
 */
class ConsoleTaskPagesTest {
    private static final String TERM = """
            {"id":"t-console","name":"Console term","firstDay":"2030-03-04","lastDay":"2030-03-29","holidays":["2030-03-15"],
             "makeUpDays":{"2030-03-16":"friday"},
             "periods":{"1":{"start":"08:00","end":"08:45"},"2":{"start":"08:55","end":"09:40"}}}""";

    @TempDir
    static Path data;
    static ControllerFixture f;

    /** A browser's session: its cookie and CSRF token. */
    record Session(String cookie, String csrf) {
    }

    @BeforeAll
    static void start() throws Exception {
        f = ControllerFixture.withLeadAndTwoRuralClassrooms(data);
        assertEquals(200, f.post("/api/v1/terms", TERM).status());
        f.controller.accounts().createUser("c-it", Role.SCHOOL_IT, Set.of("rural"), "李老师", "c-it-password");
        f.controller.accounts().createUser("c-lead-it", Role.SCHOOL_IT, Set.of("lead-school"), null, "c-lead-it-password");
        f.controller.accounts().createUser("c-bureau", Role.BUREAU, Set.of(), null, "c-bureau-password");
        f.controller.accounts().createUser("c-tech", Role.TECHNICIAN, Set.of("rural"), null, "c-tech-password");
        f.controller.accounts().createUser("c-admin", Role.ADMIN, Set.of(), null, "c-admin-password");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    // ------------------------------------------------------------------ timetable

    @Test
    void aBadCsvShowsEveryProblemWithItsLineAndImportsNothing() throws Exception {
        Session it = login("c-lead-it");
        int before = f.controller.sessions().size();
        String csv = "星期,节次,科目,教师,类型,主讲教室,听课教室\n"
                + "周一,1,数学,王丽,直播,lead-g1,rural-g1\n"
                + "周八,1,语文,,直播,lead-g1,rural-g2\n"
                + "周二,9,英语,,直播,lead-g1,rural-g1\n";
        ControllerFixture.Response r = upload(it, Map.of("term", "t-console"), csv);
        assertEquals(422, r.status(), r.text());
        assertTrue(r.text().contains("data-line=\"3\"") && r.text().contains("周八"), "line 3's weekday: " + r.text());
        assertTrue(r.text().contains("data-line=\"4\"") && r.text().contains("period 9"), "line 4's period: " + r.text());
        assertTrue(r.text().contains("2 处错误"), "the count, in Chinese by default: " + r.text());
        assertEquals(before, f.controller.sessions().size(), "nothing imported");
        lastAudit("timetable.import", e -> e.path("actor").asText().equals("c-lead-it")
                && e.path("result").asText().startsWith("refused 422") && e.path("target").asText().contains("(dry run)"));
    }

    @Test
    void aGoodCsvIsShownAsADryRunThenImportedOnConfirmationOfThatSameFile() throws Exception {
        Session it = login("c-lead-it");
        String csv = "weekday,period,subject,teacher,kind,lead_classroom,remote_classrooms\n"
                + "Tue,2,Science,Zhang Wei,live,lead-g1,rural-g1;rural-g2\n";
        int before = f.controller.sessions().size();
        ControllerFixture.Response dry = upload(it, Map.of("term", "t-console"), csv);
        assertEquals(200, dry.status(), dry.text());
        assertTrue(dry.text().contains("data-dry-run=\"true\""), dry.text());
        assertTrue(dry.text().contains("data-count=\"create\">4<"), "four Tuesdays in the term: " + dry.text());
        assertEquals(before, f.controller.sessions().size(), "a dry run stores nothing");
        Matcher confirm = Pattern.compile("name=\"confirm\" value=\"([0-9a-f]{64})\"").matcher(dry.text());
        assertTrue(confirm.find(), "the confirm button names the file checked: " + dry.text());

        // Another file sent with the confirmation of the first is checked again, not imported.
        ControllerFixture.Response changed = upload(it, Map.of("term", "t-console", "confirm", confirm.group(1)), csv.replace("Science", "Art"));
        assertEquals(200, changed.status());
        assertTrue(changed.text().contains("data-dry-run=\"true\"") && changed.text().contains("文件与预检时不同"), changed.text());
        assertEquals(before, f.controller.sessions().size());

        ControllerFixture.Response done = upload(it, Map.of("term", "t-console", "confirm", confirm.group(1)), csv);
        assertEquals(200, done.status(), done.text());
        assertTrue(done.text().contains("data-dry-run=\"false\"") && done.text().contains("已导入 4 节课"), done.text());
        assertEquals(before + 4, f.controller.sessions().size());
        // The same file again changes nothing.
        ControllerFixture.Response again = upload(it, Map.of("term", "t-console"), csv);
        assertTrue(again.text().contains("data-count=\"unchanged\">4<") && again.text().contains("无需导入"), again.text());
    }

    @Test
    void aSchoolItUserImportsOnlySessionsTheirSchoolLeads() throws Exception {
        Session rural = login("c-it");
        String csv = "weekday,period,subject,lead_classroom,remote_classrooms\nWed,1,Music,lead-g1,rural-g1\n";
        ControllerFixture.Response r = upload(rural, Map.of("term", "t-console"), csv);
        assertEquals(404, r.status(), "the API's answer for a lead classroom outside the caller's schools: " + r.text());
        assertTrue(r.text().contains("lead-g1"), r.text());
        ControllerFixture.Response noTerm = upload(rural, Map.of(), csv);
        assertEquals(400, noTerm.status());
        assertTrue(noTerm.text().contains("'term' is required for CSV"), noTerm.text());
    }

    @Test
    void anUploadWithoutTheCsrfHeaderIsRefusedBeforeTheFileIsRead() throws Exception {
        Session it = login("c-lead-it");
        ControllerFixture.Response r = upload(new Session(it.cookie(), null), Map.of("term", "t-console"),
                "weekday,period,subject,lead_classroom,remote_classrooms\nWed,1,Music,lead-g1,rural-g1\n");
        assertEquals(403, r.status(), r.text());
    }

    @Test
    void aSessionIsEditedAndDeletedByItsLeadSchoolOnly() throws Exception {
        String id = f.post("/api/v1/sessions", "{\"leadClassroomId\":\"lead-g1\",\"remoteClassroomIds\":[\"rural-g1\"],\"subject\":\"数学\","
                + "\"start\":\"2030-05-06T10:00\",\"end\":\"2030-05-06T10:45\"}").body().path("id").asText();
        Session lead = login("c-lead-it");
        ControllerFixture.Response page = get("/console/timetable/sessions/" + id, lead);
        assertEquals(200, page.status());
        assertTrue(page.text().contains("value=\"数学\""), page.text());

        Map<String, String> form = new LinkedHashMap<>(Map.of("leadClassroomId", "lead-g1", "remoteClassroomIds", "rural-g1, rural-g2",
                "subject", "数学（拓展）", "teacher", "王丽", "kind", "recorded", "date", "2030-05-06", "start", "10:05", "end", "10:50"));
        ControllerFixture.Response bad = postForm("/console/timetable/sessions/" + id, lead, with(form, "end", "09:00"));
        assertEquals(400, bad.status());
        assertTrue(bad.text().contains("end") && bad.text().contains("value=\"数学（拓展）\""), "the refusal, with the form as typed: " + bad.text());

        ControllerFixture.Response ok = postForm("/console/timetable/sessions/" + id, lead, form);
        assertEquals(303, ok.status(), ok.text());
        SyncSession s = f.controller.sessions().get(id).orElseThrow();
        assertEquals("数学（拓展）", s.subject());
        assertEquals(List.of("rural-g1", "rural-g2"), s.remoteClassroomIds());
        assertEquals(Instant.parse("2030-05-06T02:05:00Z"), s.start());

        // The remote school's IT sees the session but may not change it: 403 (pages answer 403 out of scope).
        Session rural = login("c-it");
        assertEquals(403, postForm("/console/timetable/sessions/" + id, rural, form).status());
        assertEquals(403, postForm("/console/timetable/sessions/" + id + "/delete", rural, Map.of()).status());
        // Nor may a lead school move it to a classroom of another school.
        assertEquals(403, postForm("/console/timetable/sessions/" + id, lead, with(form, "leadClassroomId", "rural-g2")).status());

        ControllerFixture.Response deleted = postForm("/console/timetable/sessions/" + id + "/delete", lead, Map.of());
        assertEquals(303, deleted.status());
        assertTrue(f.controller.sessions().get(id).isEmpty());
        lastAudit("session.delete", e -> e.path("target").asText().equals("session " + id) && e.path("detail").asText().contains("deleted:"));
    }

    @Test
    void theTermCalendarShowsHolidaysAndMakeUpDaysAndABadTermNamesItsFields() throws Exception {
        Session it = login("c-it");
        String page = get("/console/terms", it).text();
        assertTrue(page.contains("class=\"day holiday\" title=\"2030-03-15"), "the holiday marked");
        assertTrue(page.contains("class=\"day makeup\" title=\"2030-03-16"), "the make-up day marked");
        assertFalse(page.contains("name=\"json\""), "only admins put terms");
        assertEquals(403, postForm("/console/terms", it, Map.of("json", TERM)).status());

        Session admin = login("c-admin");
        ControllerFixture.Response bad = postForm("/console/terms", admin, Map.of("json",
                "{\"id\":\"bad\",\"firstDay\":\"2030-09-01\",\"lastDay\":\"2030-08-01\",\"holidays\":[\"2030-13-01\"],\"periods\":{}}"));
        assertEquals(400, bad.status());
        assertTrue(bad.text().contains("holidays[0]") && bad.text().contains("lastDay"), bad.text());
        ControllerFixture.Response ok = postForm("/console/terms", admin, Map.of("json", TERM.replace("t-console", "t-console-2")));
        assertEquals(303, ok.status(), ok.text());
        assertEquals(200, f.get("/api/v1/terms/t-console-2").status());
    }

    // ------------------------------------------------------------------ CSRF, users

    @Test
    void aFormPostedWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        Session admin = login("c-admin");
        Map<String, String> user = Map.of("username", "no-csrf", "role", "bureau", "password", "a long password");
        ControllerFixture.Response r = send(HttpRequest.newBuilder(f.uri("/console/users")).header("Cookie", admin.cookie())
                .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(encode(user))).build());
        assertEquals(403, r.status(), r.text());
        assertTrue(f.controller.accounts().user("no-csrf").isEmpty());
        ControllerFixture.Response wrong = send(HttpRequest.newBuilder(f.uri("/console/users")).header("Cookie", admin.cookie())
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(with(user, "_csrf", "x".repeat(43))))).build());
        assertEquals(403, wrong.status());
        assertTrue(f.controller.accounts().user("no-csrf").isEmpty());
    }

    @Test
    void anAdminCreatesAUserWithRoleAndSchoolsAndBadInputIsShownInPlace() throws Exception {
        Session admin = login("c-admin");
        ControllerFixture.Response shortPassword = postForm("/console/users", admin, Map.of("username", "wang.it", "displayName", "王老师",
                "role", "school-it", "school", "rural", "password", "short"));
        assertEquals(400, shortPassword.status());
        assertTrue(shortPassword.text().contains("/password") && shortPassword.text().contains("value=\"wang.it\""), shortPassword.text());
        ControllerFixture.Response noSchool = postForm("/console/users", admin, Map.of("username", "wang.it", "role", "school-it",
                "password", "a long password"));
        assertEquals(400, noSchool.status(), "school IT needs a school: " + noSchool.text());

        ControllerFixture.Response ok = postForm("/console/users", admin, Map.of("username", "wang.it", "displayName", "王老师",
                "role", "school-it", "school", "rural", "password", "a long password"));
        assertEquals(303, ok.status(), ok.text());
        assertEquals(Set.of("rural"), f.controller.accounts().user("wang.it").orElseThrow().schools());
        assertEquals(409, postForm("/console/users", admin, Map.of("username", "wang.it", "role", "bureau",
                "password", "a long password")).status(), "a taken name");
        assertTrue(get("/console/users", admin).text().contains("data-user=\"wang.it\""));

        ControllerFixture.Response disable = postForm("/console/users/wang.it", admin, Map.of("displayName", "王老师", "role", "school-it",
                "school", "rural", "disabled", "true"));
        assertEquals(303, disable.status());
        assertTrue(f.controller.accounts().user("wang.it").orElseThrow().disabled());
        ControllerFixture.Response reset = postForm("/console/users/wang.it/password", admin, Map.of("password", "another long one"));
        assertEquals(303, reset.status());
        lastAudit("user.password.reset", e -> e.path("target").asText().equals("user wang.it") && e.path("actor").asText().equals("c-admin"));
        // Users are for admins only, as /api/v1/users.
        assertEquals(403, get("/console/users", login("c-it")).status());
        assertEquals(403, postForm("/console/users", login("c-bureau"), Map.of("username", "x", "role", "bureau",
                "password", "a long password")).status());
    }

    // ------------------------------------------------------------------ rollouts

    @Test
    void theBureauCannotStartARolloutNorSeeTheForm() throws Exception {
        Session bureau = login("c-bureau");
        int before = f.controller.rollouts().list(100).size();
        Map<String, String> form = Map.of("school", "rural", "profile", "generic-recorder-a/low-uplink-720p");
        assertEquals(403, postForm("/console/rollouts", bureau, form).status());
        assertEquals(403, postForm("/console/rollouts/preview", bureau, form).status());
        assertEquals(403, get("/console/rollouts/new", bureau).status());
        assertEquals(200, get("/console/rollouts", bureau).status(), "the history, as GET /api/v1/rollouts");
        assertEquals(before, f.controller.rollouts().list(100).size(), "nothing started");
    }

    @Test
    void aTechniciansFormIsTheApisRequestWithTheSameChecksAndScope() throws Exception {
        Session tech = login("c-tech");
        String page = get("/console/rollouts/new", tech).text();
        assertTrue(page.contains("value=\"rural\"") && !page.contains("value=\"lead-school\""), "only the technician's schools");
        // An override changes one key and keeps the school's layer; the dry run shows the diff per box.
        // (The fixture's boxes never had a configuration: the first rollout names their profile.)
        Map<String, String> form = new LinkedHashMap<>(Map.of("school", "rural", "profile", "generic-recorder-a/standard-1080p",
                "layer0", "school:rural", "key0", "stream.pushUrl", "value0", "rtmp://10.1.0.5/live/rural", "waves", "1, 100%"));
        ControllerFixture.Response dry = postForm("/console/rollouts/preview", tech, form);
        assertEquals(200, dry.status(), dry.text());
        assertTrue(dry.text().contains("data-box=\"box-rural-1\"") && dry.text().contains("data-box=\"box-rural-2\""), dry.text());
        assertTrue(dry.text().contains("/stream/pushUrl") && dry.text().contains("rtmp://10.1.0.5/live/rural"), dry.text());
        assertEquals(0, f.controller.rollouts().list(100).stream().filter(r -> r.actor().equals("c-tech")).count(), "a dry run starts nothing");

        // Another school in the target is refused as the API refuses it (400, as an unknown school).
        ControllerFixture.Response outside = postForm("/console/rollouts/preview", tech, with(form, "school", "lead-school"));
        assertEquals(400, outside.status());
        assertTrue(outside.text().contains("no school 'lead-school'"), outside.text());
        ControllerFixture.Response badWaves = postForm("/console/rollouts/preview", tech, with(form, "waves", "1, lots"));
        assertEquals(400, badWaves.status());
        assertTrue(badWaves.text().contains("/strategy/waves/1"), badWaves.text());
        ControllerFixture.Response badKey = postForm("/console/rollouts/preview", tech, with(form, "key0", "stream pushUrl"));
        assertEquals(400, badKey.status());
        assertTrue(badKey.text().contains("key0"), badKey.text());

        ControllerFixture.Response started = postForm("/console/rollouts", tech, form);
        assertEquals(201, started.status(), started.text());
        String location = started.headers().firstValue("HX-Redirect").orElseThrow();
        assertTrue(location.startsWith("/console/rollouts/r-"), location);
        String id = location.substring("/console/rollouts/".length());
        JsonNode layer = f.controller.rollouts().boxConfig("box-rural-1").orElseThrow().path("overrides").path("school");
        assertEquals("rtmp://10.1.0.5/live/rural", layer.path("stream").path("pushUrl").asText(), layer.toString());
        lastAudit("rollout.start", e -> e.path("actor").asText().equals("c-tech") && e.path("target").asText().startsWith(id));
        String detail = get("/console/rollouts/" + id + "/progress", tech).text();
        assertTrue(detail.contains("data-box=\"box-rural-1\"") && detail.contains("hx-trigger=\"every 2s\""), "polled while running: " + detail);
        List<String> waves = new ArrayList<>();
        Matcher wave = Pattern.compile("data-wave=\"(\\d+)\"").matcher(detail);
        while (wave.find()) {
            waves.add(wave.group(1));
        }
        assertEquals(List.of("1", "2"), waves.stream().sorted().toList(), "waves [1, 100%] of two boxes, counted from 1 as the API: " + detail);
        // The bureau follows it, without buttons; the lead school's technician does not see it.
        String seen = get("/console/rollouts/" + id, login("c-bureau")).text();
        assertTrue(seen.contains("data-testid=\"rollout-progress\"") && !seen.contains("data-testid=\"action-abort\""), seen);
        ControllerFixture.Response abort = postForm("/console/rollouts/" + id + "/abort", tech, Map.of());
        assertEquals(200, abort.status(), abort.text());
        assertTrue(abort.text().contains("data-state=\"aborted\""), abort.text());
        ControllerFixture.Response again = postForm("/console/rollouts/" + id + "/pause", tech, Map.of());
        assertEquals(409, again.status(), "an aborted rollout cannot be paused: " + again.text());
    }

    // ------------------------------------------------------------------ reports, audit, account

    @Test
    void theReportPageHasTheRowsAChartAndTheExportLinksOfTheApi() throws Exception {
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
        f.post("/api/v1/sessions", "{\"leadClassroomId\":\"lead-g1\",\"remoteClassroomIds\":[\"rural-g2\"],\"subject\":\"美术\","
                + "\"start\":\"" + today.minusDays(1) + "T10:00\",\"end\":\"" + today.minusDays(1) + "T10:45\"}");
        Session bureau = login("c-bureau");
        String page = get("/console/reports", bureau).text();
        assertTrue(page.contains("data-key=\"lead-school\"") && page.contains("data-key=\"rural\""), page);
        assertTrue(page.contains("data-chart=\"{"), "the chart's data");
        Matcher xlsx = Pattern.compile("href=\"(/api/v1/reports/readiness\\?[^\"]+format=xlsx)\"").matcher(page);
        assertTrue(xlsx.find(), page);
        ControllerFixture.Response file = send(HttpRequest.newBuilder(f.uri(xlsx.group(1).replace("&amp;", "&")))
                .header("Cookie", bureau.cookie()).build());
        assertEquals(200, file.status(), "the export, with the page's session");
        assertTrue(file.headers().firstValue("content-type").orElse("").contains("spreadsheetml"));

        // A school's IT sees only their school's rows, as the API answers them.
        String rural = get("/console/reports?groupBy=classroom", login("c-it")).text();
        assertTrue(rural.contains("data-key=\"rural-g2\"") && !rural.contains("data-key=\"lead-g1\""), rural);
        ControllerFixture.Response backwards = get("/console/reports?from=2030-05-10&to=2030-05-01", bureau);
        assertEquals(400, backwards.status());
        assertTrue(backwards.text().contains("'from' must be before 'to'"), backwards.text());
    }

    @Test
    void theAuditLogIsFilteredAndPagedForAdminAndBureauOnly() throws Exception {
        String pager = f.tokenFor("pager", Role.BUREAU, Set.of());
        for (int i = 0; i < 60; i++) {
            assertEquals(201, f.as(pager).post("/api/v1/tokens", "{\"name\":\"t" + i + "\"}").status());
        }
        Session bureau = login("c-bureau");
        String first = get("/console/audit?actor=pager", bureau).text();
        List<String> ids = rowIds(first);
        assertEquals(50, ids.size());
        Matcher older = Pattern.compile("href=\"(/console/audit\\?[^\"]+)\" data-testid=\"audit-older\"").matcher(first);
        assertTrue(older.find(), first);
        List<String> second = rowIds(get(older.group(1).replace("&amp;", "&"), bureau).text());
        assertEquals(10, second.size(), "the other ten, none twice");
        assertTrue(second.stream().noneMatch(ids::contains));
        assertTrue(get("/console/audit?action=login.", bureau).text().contains("login.ok"));
        assertEquals(403, get("/console/audit", login("c-tech")).status());
    }

    @Test
    void myAccountCreatesATokenShownOnceAndRevokesIt() throws Exception {
        Session it = login("c-it");
        ControllerFixture.Response created = postForm("/console/account/tokens", it, Map.of("name", "grafana", "expiresInDays", "30"));
        assertEquals(201, created.status(), created.text());
        Matcher secret = Pattern.compile("value=\"(srt_[A-Za-z0-9_-]{43})\"").matcher(created.text());
        assertTrue(secret.find(), created.text());
        assertEquals(200, f.as(secret.group(1)).get("/api/v1/me").status(), "the token works");
        String page = get("/console/account", it).text();
        assertTrue(page.contains("grafana") && !page.contains(secret.group(1)), "listed, never shown again");
        assertEquals(400, postForm("/console/account/tokens", it, Map.of("name", "bad<name>")).status());
        String id = f.controller.accounts().tokens("c-it").get(0).id();
        assertEquals(303, postForm("/console/account/tokens/" + id + "/revoke", it, Map.of()).status());
        assertEquals(401, f.as(secret.group(1)).get("/api/v1/me").status(), "revoked at once");
        // Another user's token is not theirs to revoke here.
        String other = f.controller.accounts().createToken("c-bureau", "x", null, "c-bureau").token().id();
        assertEquals(404, postForm("/console/account/tokens/" + other + "/revoke", it, Map.of()).status());
        assertEquals("active", f.controller.accounts().token(other).orElseThrow().state(f.controller.accounts().now()));

        ControllerFixture.Response mismatch = postForm("/console/account/password", it, Map.of("currentPassword", "c-it-password",
                "newPassword", "a new long password", "newPasswordAgain", "another"));
        assertEquals(400, mismatch.status());
        ControllerFixture.Response wrong = postForm("/console/account/password", it, Map.of("currentPassword", "not it",
                "newPassword", "a new long password", "newPasswordAgain", "a new long password"));
        assertEquals(403, wrong.status());
        assertTrue(wrong.text().contains("当前密码错误"), wrong.text());
    }

    @Test
    void everyTaskPageSpeaksBothLanguagesWithNoKeyLeftUntranslated() throws Exception {
        Session admin = login("c-admin");
        Pattern key = Pattern.compile("(?<![\\w/.-])(?:timetable|terms|rollouts|reports|audit|users|account|nav)\\.[a-zA-Z]+(?:\\.[a-zA-Z]+)*(?![\\w/-])");
        for (String lang : new String[] {"zh-CN", "en"}) {
            for (String page : List.of("/console/timetable", "/console/terms", "/console/rollouts", "/console/rollouts/new", "/console/reports",
                    "/console/audit", "/console/users", "/console/users/c-it", "/console/account")) {
                ControllerFixture.Response r = send(HttpRequest.newBuilder(f.uri(page)).header("Cookie", admin.cookie() + "; syncready_lang=" + lang)
                        .build());
                assertEquals(200, r.status(), lang + " " + page);
                // Words only: audit actions and configuration keys (in <code>, <pre>, option lists) are data.
                String visible = r.text().replaceAll("(?s)<(code|pre|datalist|textarea)[^>]*>.*?</\\1>", " ").replaceAll("(?s)<[^>]*>", " ");
                Matcher m = key.matcher(visible);
                assertFalse(m.find(), lang + " " + page + ": a message key shown as is: " + (m.hitEnd() ? "" : m.group()));
                assertTrue(r.text().contains("<html lang=\"" + lang + "\">"), lang + " " + page);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> rowIds(String page) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<tr data-id=\"(\\d+)\"").matcher(page);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static Session login(String user) throws Exception {
        ControllerFixture.Response r = send(HttpRequest.newBuilder(f.uri("/login")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + user + "-password\"}")).build());
        assertEquals(200, r.status(), r.text());
        String cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        return new Session(cookie, r.body().path("csrfToken").asText());
    }

    static ControllerFixture.Response get(String path, Session s) throws Exception {
        return send(HttpRequest.newBuilder(f.uri(path)).header("Cookie", s.cookie()).build());
    }

    /** A form as a browser posts it: the CSRF token in the hidden field. */
    static ControllerFixture.Response postForm(String path, Session s, Map<String, String> fields) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("_csrf", s.csrf());
        return send(HttpRequest.newBuilder(f.uri(path)).header("Cookie", s.cookie())
                .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(encode(all))).build());
    }

    /** The timetable upload as htmx sends it: multipart, the CSRF token in the header. */
    static ControllerFixture.Response upload(Session s, Map<String, String> fields, String csv) throws Exception {
        String boundary = "----syncready" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue()
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"timetable.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(csv.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/console/timetable/import")).header("Cookie", s.cookie())
                .header("HX-Request", "true").header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (s.csrf() != null) {
            b.header("X-CSRF-Token", s.csrf());
        }
        return send(b.build());
    }

    private static ControllerFixture.Response send(HttpRequest request) throws Exception {
        return f.send(request);
    }

    private static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(form);
        out.put(name, value);
        return out;
    }

    private static String encode(Map<String, String> fields) {
        StringBuilder s = new StringBuilder();
        fields.forEach((k, v) -> s.append(s.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return s.toString();
    }

    /**
     * A recent audit entry whose action starts with {@code actionPrefix} and that {@code is} accepts, as GET /api/v1/audit
     * lists it. An entry is written on a worker right after the answer is sent: waited for, and the entries of requests
     * made one after the other may be stored in either order.
     */
    private static JsonNode lastAudit(String actionPrefix, java.util.function.Predicate<JsonNode> is) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            for (JsonNode e : f.get("/api/v1/audit?limit=20&action=" + actionPrefix).body()) {
                if (is.test(e)) {
                    return e;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }
}
