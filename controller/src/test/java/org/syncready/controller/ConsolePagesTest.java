package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Role;

/**
 * The web console over plain HTTP (the browser tests in integration-tests drive it in Chromium): the
 * login flow from {@code /}, pages answered by role and school, assets cached for good.
 */
class ConsolePagesTest {
    @TempDir
    static Path data;
    static ControllerFixture f;
    static String itToken;

    @BeforeAll
    static void start() throws Exception {
        f = ControllerFixture.withLeadAndTwoRuralClassrooms(data);
        f.controller.registry().addSchool("hexi", "河西镇中心小学", "Hexi Town Central Primary School");
        itToken = f.tokenFor("it-rural", Role.SCHOOL_IT, Set.of("rural"));
        f.controller.accounts().createUser("it-form", Role.SCHOOL_IT, Set.of("rural"), "王老师", "it-form-password");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void theRootSendsABrowserToTheLoginFormAndTheFormLandsWhereItWasAsked() throws Exception {
        ControllerFixture.Response root = f.as(null).get("/");
        assertEquals(303, root.status());
        assertEquals("/login?next=%2F", root.headers().firstValue("Location").orElse(""));
        ControllerFixture.Response today = f.as(null).get("/console/today?problems=1");
        assertEquals(303, today.status());
        String next = today.headers().firstValue("Location").orElse("");
        assertEquals("/login?next=" + URLEncoder.encode("/console/today?problems=1", StandardCharsets.UTF_8), next);
        ControllerFixture.Response form = f.as(null).get(next);
        assertTrue(form.text().contains("name=\"next\" value=\"/console/today?problems=1\""), form.text());

        ControllerFixture.Response in = login("it-form", "it-form-password", "/console/today?problems=1");
        assertEquals(303, in.status());
        assertEquals("/console/today?problems=1", in.headers().firstValue("Location").orElse(""));
        // Never a redirect to another site, whatever next says.
        for (String evil : new String[] {"//evil.example.org/x", "https://evil.example.org/", "/\\evil", "javascript:alert(1)"}) {
            assertEquals("/", login("it-form", "it-form-password", evil).headers().firstValue("Location").orElse(""), evil);
        }
        String cookie = in.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        ControllerFixture.Response home = get("/", cookie);
        assertEquals(303, home.status());
        assertEquals("/console/today", home.headers().firstValue("Location").orElse(""));
        ControllerFixture.Response page = get("/console/today", cookie);
        assertEquals(200, page.status());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertTrue(page.text().contains("王老师") && page.text().contains("学校信息中心"), "the user and role in the header");
        Matcher csrf = Pattern.compile("hx-headers=\"\\{&#34;X-CSRF-Token&#34;:&#34;([^&]+)&#34;\\}\"|hx-headers=\"\\{&quot;X-CSRF-Token&quot;:&quot;([^&]+)&quot;\\}\"")
                .matcher(page.text());
        assertTrue(csrf.find(), "htmx sends the session's CSRF token: " + page.text().substring(0, Math.min(1500, page.text().length())));
    }

    @Test
    void aSchoolItUserSeesOnlyTheirSchoolAndTheBureauEveryOne() throws Exception {
        String it = f.as(itToken).get("/console/today").text();
        assertTrue(it.contains("data-school=\"rural\""), it);
        assertFalse(it.contains("data-school=\"lead-school\"") || it.contains("data-school=\"hexi\""), "another school on Today");
        String bureau = f.as(f.tokenFor("bureau-1", Role.BUREAU, Set.of())).get("/console/today").text();
        for (String s : new String[] {"rural", "lead-school", "hexi"}) {
            assertTrue(bureau.contains("data-school=\"" + s + "\""), s);
        }
        assertTrue(bureau.contains("河西镇中心小学"), "schools by their Chinese names");
        assertTrue(bureau.contains("全部学校"));
    }

    @Test
    void theLanguageSwitchKeepsTheChoiceInACookieAndComesBack() throws Exception {
        ControllerFixture.Response sw = f.as(null).get("/console/lang?to=en&back=%2Fconsole%2Ftoday");
        assertEquals(303, sw.status());
        assertEquals("/console/today", sw.headers().firstValue("Location").orElse(""));
        String cookie = sw.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(cookie.startsWith("syncready_lang=en"), cookie);
        assertEquals("/console/today", f.as(null).get("/console/lang?to=en&back=https://evil.example.org").headers()
                .firstValue("Location").orElse(""), "never back to another site");
        HttpRequest en = HttpRequest.newBuilder(f.uri("/console/today")).header("Authorization", "Bearer " + f.adminToken)
                .header("Cookie", "syncready_lang=en").build();
        String page = f.send(en).text();
        assertTrue(page.contains("<html lang=\"en\">") && page.contains("Hexi Town Central Primary School") && page.contains("All schools"), page);
    }

    @Test
    void assetsAreServedFromTheJarVersionedGzippedAndCachedForAYear() throws Exception {
        String page = f.as(f.adminToken).get("/console/today").text();
        for (String name : new String[] {"htmx.js", "console.css", "console.js"}) {
            Matcher m = Pattern.compile("\"(/console/assets/[^\"/]+/" + Pattern.quote(name) + ")\"").matcher(page);
            assertTrue(m.find(), name + " on the page");
            HttpRequest plain = HttpRequest.newBuilder(f.uri(m.group(1))).build();
            ControllerFixture.Response r = f.send(plain);
            assertEquals(200, r.status(), name);
            assertEquals("public, max-age=31536000, immutable", r.headers().firstValue("Cache-Control").orElse(""));
            ControllerFixture.Response gz = f.send(HttpRequest.newBuilder(f.uri(m.group(1))).header("Accept-Encoding", "gzip").build());
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""), name);
            String etag = r.headers().firstValue("ETag").orElseThrow();
            assertEquals(304, f.send(HttpRequest.newBuilder(f.uri(m.group(1))).header("If-None-Match", etag).build()).status());
        }
        assertTrue(page.contains("/console/assets/2.0.4/htmx.js"), "htmx's version is the WebJar's");
        assertEquals(404, f.as(null).get("/console/assets/2.0.4/pom.xml").status(), "only the listed assets");
        assertEquals(404, f.as(null).get("/console/assets/1.0.0/htmx.js").status(), "a version not served");
    }

    @Test
    void consolePagesStayOutOfTheApisRouteListAndTheirRefusalsArePages() throws Exception {
        assertTrue(f.controller.apiRoutes().stream().noneMatch(r -> r.contains("/console") || r.equals("GET /")),
                f.controller.apiRoutes().toString());
        ControllerFixture.Response bad = f.as("srt_not-a-token").get("/console/today");
        assertEquals(303, bad.status(), "a refused login on a page: to the login form");
        ControllerFixture.Response bureauOnly = f.as(itToken).get("/console/no-such-page");
        assertEquals(404, bureauOnly.status());
    }

    private static ControllerFixture.Response login(String user, String password, String next) throws Exception {
        String body = "username=" + user + "&password=" + password + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        return f.send(HttpRequest.newBuilder(f.uri("/login")).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static ControllerFixture.Response get(String path, String cookie) throws Exception {
        return f.send(HttpRequest.newBuilder(f.uri(path)).header("Cookie", cookie).build());
    }
}
