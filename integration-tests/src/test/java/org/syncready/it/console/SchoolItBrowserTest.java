package org.syncready.it.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The school-IT user's morning in a real browser against the demo: demo-it (school IT of 河西镇中心小学,
 * remote-hexi) sees only their school on Today, finds the room whose microphone went silent and the reason
 * in Chinese, opens its box, runs a self-test and reads the result per check; the box page follows the box
 * live over SSE without a reload; another school's box page and stream are 403.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchoolItBrowserTest {
    static final String ROOM_BOX = "box-hexi-g4";
    @TempDir
    static Path data;
    static DemoConsole demo;

    @BeforeAll
    static void start() throws Exception {
        ConsoleBrowser.requireBrowser();
        demo = DemoConsole.start(data);
        // The demo's flaky microphone is in another school (box-shanbei-g4): silence one of hexi's, as its technician would.
        HttpResponse<String> r = demo.api("POST", "/api/v1/boxes/" + ROOM_BOX + "/simulate", "demo-tech",
                "{\"microphones\":{\"mic-room\":\"silent\"}}");
        assertEquals(200, r.statusCode(), r.body());
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    @Order(1)
    void seesOnlyTheirSchoolAndFindsTheSilentMicrophoneWithItsReasonInChinese() {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "school-it-today", ConsoleBrowser.DESKTOP)) {
            b.login("demo-it", "demo-it-pass");
            assertEquals("学校信息中心", b.text(By.cssSelector("[data-testid=role]")));
            assertEquals("河西镇中心小学", b.text(By.cssSelector("[data-testid=schools]")));
            List<String> schools = b.driver().findElements(By.cssSelector("section.school h2")).stream().map(WebElement::getText).toList();
            assertEquals(List.of("河西镇中心小学"), schools);
            b.screenshot("today");

            // Only my problems: the room whose microphone is silent, with the reason in Chinese.
            b.go("/console/today?problems=1");
            String reason = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                b.driver().navigate().refresh();
                return b.driver().findElements(By.cssSelector("li.room.ours[data-classroom='hexi-g4'] .reasons li")).stream()
                        .map(WebElement::getText).filter(t -> t.contains("无声")).findFirst().orElse(null);
            }, java.util.Objects::nonNull);
            assertTrue(reason.contains("麦克风") || reason.contains("mic-room"), reason);
            assertTrue(reason.matches(".*[\\u4e00-\\u9fff].*"), "the reason is in Chinese: " + reason);
            WebElement room = b.driver().findElement(By.cssSelector("li.room.ours[data-classroom='hexi-g4']"));
            assertEquals("NOT_READY", room.getAttribute("data-verdict"));
            assertTrue(room.getText().contains("未就绪"), room.getText());
            b.screenshot("only-my-problems-silent-microphone");

            // Its box: run a self-test and read the result per check.
            room.findElement(By.cssSelector("a")).click();
            b.waitFor(By.cssSelector("[data-testid=selftest]"));
            assertTrue(b.driver().getCurrentUrl().endsWith("/console/boxes/" + ROOM_BOX), b.driver().getCurrentUrl());
            b.driver().findElement(By.cssSelector("[data-testid=selftest]")).click();
            WebElement result = b.waitFor(By.cssSelector("[data-testid=selftest-result]"), Duration.ofSeconds(90));
            assertEquals("false", result.getAttribute("data-passed"), "a silent microphone fails the self-test");
            List<WebElement> checks = result.findElements(By.cssSelector("tr[data-check]"));
            assertTrue(checks.size() >= 4, "one row per check: " + result.getText());
            assertTrue(checks.stream().anyMatch(c -> c.getAttribute("data-check").equals("microphone") && c.getAttribute("class").contains("bad")),
                    result.getText());
            assertTrue(checks.stream().anyMatch(c -> c.getAttribute("data-check").equals("camera") && c.getAttribute("class").contains("ok")),
                    result.getText());
            assertTrue(result.getText().contains("自检未通过"), result.getText());
            b.screenshot("selftest-result");
            // Re-probe: the box probes again and says so.
            b.driver().findElement(By.cssSelector("[data-testid=reprobe]")).click();
            WebElement notice = b.waitFor(By.cssSelector("#reprobe-out [data-testid=notice]"), Duration.ofSeconds(30));
            assertEquals("已重新探测，状态随后更新。", notice.getText());
        }
    }

    @Test
    @Order(4)
    void theSessionPageShowsTheReasonsWithTheirFiguresAndChecksNow() {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "school-it-session", ConsoleBrowser.DESKTOP)) {
            b.login("demo-it", "demo-it-pass");
            b.go("/console/today?problems=1");
            WebElement session = b.waitFor(By.cssSelector("li.session[data-verdict=NOT_READY] .what a"));
            session.click();
            WebElement room = b.waitFor(By.cssSelector("#readiness [data-classroom='hexi-g4']"));
            assertEquals("NOT_READY", room.getAttribute("data-verdict"));
            WebElement why = room.findElement(By.cssSelector("li[data-code=MIC_SILENT]"));
            assertTrue(why.getText().contains("无声") && why.getText().contains("levelDbfs"), "the reason and the figure behind it: "
                    + why.getText());
            b.driver().findElement(By.cssSelector("[data-testid=check-now]")).click();
            // The check sends self-tests to the session's online boxes and answers the new verdict in place.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    b.driver().findElements(By.cssSelector("#readiness .check")).stream().anyMatch(e -> e.getText().contains("手动检查")));
            assertEquals("NOT_READY", b.driver().findElement(By.cssSelector("#readiness [data-classroom='hexi-g4']"))
                    .getAttribute("data-verdict"));
            b.screenshot("session-checked-now");
        }
    }

    @Test
    @Order(2)
    void theBoxPageFollowsTheBoxLiveWithoutAReload() throws Exception {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "box-live-sse", ConsoleBrowser.DESKTOP)) {
            b.login("demo-it", "demo-it-pass");
            b.go("/console/boxes/box-hexi-g3");
            b.waitFor(By.cssSelector("#live-card .boxcard"));
            // Wait for the stream's first event, then mark the page: a reload would lose the mark.
            await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) b.js("return window.SyncReady.liveUpdates")).intValue() >= 0);
            b.js("window.__notReloaded = true;");
            assertFalse(b.text(By.cssSelector("#live-card [data-testid=rtt]")).startsWith("250"));
            long asked = System.nanoTime();
            HttpResponse<String> r = demo.api("POST", "/api/v1/boxes/box-hexi-g3/simulate", "demo-tech", "{\"rttMs\":250}");
            assertEquals(200, r.statusCode(), r.body());
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                    b.text(By.cssSelector("#live-card [data-testid=rtt]")).startsWith("250"));
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            assertEquals(Boolean.TRUE, b.js("return window.__notReloaded === true"), "updated in place, not reloaded");
            System.out.println("box page: new status shown " + tookMs + " ms after the simulate call was sent");
            b.screenshot("live-rtt-250");
            demo.api("POST", "/api/v1/boxes/box-hexi-g3/simulate", "demo-tech", "{\"reset\":true}");
            // The charts were drawn from the history (ECharts canvases on the page).
            assertTrue(b.driver().findElements(By.cssSelector("#chart-net canvas")).size() >= 1, "the RTT chart is drawn");
        }
    }

    @Test
    @Order(3)
    void anotherSchoolsBoxPageAndStreamAreForbidden() {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "school-it-403", ConsoleBrowser.DESKTOP)) {
            b.login("demo-it", "demo-it-pass");
            b.go("/console/boxes/box-lead-g3");
            WebElement error = b.waitFor(By.cssSelector(".error-page"));
            assertEquals("403", error.getAttribute("data-status"));
            assertTrue(error.getText().contains("无权访问"), error.getText());
            assertFalse(b.driver().getPageSource().contains("data-box=\"box-lead-g3\""), "nothing of the box is shown");
            b.screenshot("other-school-box-403");
            Object stream = ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeAsyncScript(
                    "var done = arguments[arguments.length - 1];"
                            + "fetch('/console/boxes/box-lead-g3/live', {headers: {'Accept': 'text/event-stream'}})"
                            + ".then(function (r) { done(r.status); }, function (e) { done(String(e)); });");
            assertEquals(403L, ((Number) stream).longValue(), "the other school's stream");
            Object own = ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeAsyncScript(
                    "var done = arguments[arguments.length - 1]; var c = new AbortController();"
                            + "fetch('/console/boxes/box-hexi-g3/live', {headers: {'Accept': 'text/event-stream'}, signal: c.signal})"
                            + ".then(function (r) { c.abort(); done(r.status); }, function (e) { done(String(e)); });");
            assertEquals(200L, ((Number) own).longValue(), "their own school's stream");
        }
    }
}
