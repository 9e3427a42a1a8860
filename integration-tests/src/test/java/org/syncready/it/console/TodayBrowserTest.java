package org.syncready.it.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The Today page in a real browser against the demo: what the bureau sees first thing in the morning. */
class TodayBrowserTest {
    @TempDir
    static Path data;
    static DemoConsole demo;

    @BeforeAll
    static void start() throws Exception {
        ConsoleBrowser.requireBrowser();
        demo = DemoConsole.start(data);
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void theBureauLogsInAndSeesAllFourDemoSchoolsOnToday() {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "bureau-today", ConsoleBrowser.DESKTOP)) {
            b.login("demo-bureau", "demo-bureau-pass");
            assertTrue(b.driver().getCurrentUrl().endsWith("/console/today"), b.driver().getCurrentUrl());
            assertEquals("教育局", b.text(By.cssSelector("[data-testid=role]")));
            assertEquals("全部学校", b.text(By.cssSelector("[data-testid=schools]")));
            List<String> schools = b.driver().findElements(By.cssSelector("section.school h2")).stream().map(WebElement::getText).toList();
            assertEquals(List.of("县第一实验小学", "河西镇中心小学", "黎坪村小", "山北乡小学"), schools.stream().sorted(
                    java.util.Comparator.comparing(List.of("县第一实验小学", "河西镇中心小学", "黎坪村小", "山北乡小学")::indexOf)).toList());
            assertEquals(4, schools.size(), schools.toString());
            // Every session shows a verdict in words, in Chinese.
            // (textContent, not getText: the classes that are over are folded away, and a hidden element's text reads "".)
            List<String> verdicts = b.driver().findElements(By.cssSelector("li.session .badge")).stream()
                    .map(e -> e.getAttribute("textContent").trim()).distinct().toList();
            assertTrue(!verdicts.isEmpty() && List.of("就绪", "有风险", "未就绪", "未知").containsAll(verdicts), verdicts.toString());
            Path shot = b.screenshot("today-1366x768");
            assertTrue(Files.isRegularFile(shot));

            // The language switch: English, kept in a cookie, school names in English.
            b.driver().findElement(By.cssSelector("[data-testid=lang]")).click();
            b.waitFor(By.cssSelector("section.school"));
            assertEquals("Bureau", b.text(By.cssSelector("[data-testid=role]")));
            assertTrue(b.driver().getPageSource().contains("Hexi Town Central Primary School"));
            b.screenshot("today-en");
            b.go("/console/today");
            assertEquals("en", b.driver().findElement(By.tagName("html")).getAttribute("lang"));
        }
    }

    /**
     * Page weight of Today (bytes over the wire: the page and every asset, first without a cache, then with
     * it) and time to first render, from the browser's own Navigation and Resource Timing entries. Printed
     * for docs/CONSOLE.md; the assertions keep what the design promises (assets cached, nothing refetched).
     */
    @Test
    void pageWeightAndTimeToFirstRenderOfToday() {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "bureau-today-weight", ConsoleBrowser.DESKTOP)) {
            b.login("demo-bureau", "demo-bureau-pass");
            b.clearCache();
            b.go("/console/today");
            b.waitFor(By.cssSelector("section.school"));
            Weight cold = weight(b);
            b.go("/console/today");
            b.waitFor(By.cssSelector("section.school"));
            Weight warm = weight(b);
            System.out.printf("Today page weight: without cache %.1f KB transferred (%.1f KB decoded, %d requests), with cache %.1f KB"
                            + " (%d requests, %d from cache); first render (first contentful paint, else DOMContentLoaded) %d ms"
                            + " without cache, %d ms with it; the page's HTML from the server in %d ms / %d ms%n",
                    cold.transferred / 1024.0, cold.decoded / 1024.0, cold.requests, warm.transferred / 1024.0, warm.requests, warm.cached,
                    cold.renderMs, warm.renderMs, cold.htmlMs, warm.htmlMs);
            assertTrue(cold.requests >= 4, "page, CSS, htmx, console.js: " + cold.requests);
            assertEquals(warm.requests - 1, warm.cached, "every asset comes from the cache on the second visit");
            assertTrue(warm.transferred < cold.transferred, warm.transferred + " < " + cold.transferred);
        }
    }

    record Weight(long transferred, long decoded, long requests, long cached, long renderMs, long htmlMs) {
    }

    private static Weight weight(ConsoleBrowser b) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) b.js(
                "var nav = performance.getEntriesByType('navigation')[0];"
                + "var res = performance.getEntriesByType('resource');"
                + "var t = nav.transferSize, d = nav.decodedBodySize, cached = 0;"
                + "res.forEach(function (r) { t += r.transferSize; d += r.decodedBodySize; if (r.transferSize === 0) { cached++; } });"
                + "var fcp = performance.getEntriesByType('paint').filter(function (p) { return p.name === 'first-contentful-paint'; })[0];"
                + "return {t: t, d: d, n: res.length + 1, c: cached,"
                + " r: Math.round(fcp ? fcp.startTime : nav.domContentLoadedEventEnd), h: Math.round(nav.responseEnd - nav.startTime)};");
        return new Weight(((Number) m.get("t")).longValue(), ((Number) m.get("d")).longValue(), ((Number) m.get("n")).longValue(),
                ((Number) m.get("c")).longValue(), ((Number) m.get("r")).longValue(), ((Number) m.get("h")).longValue());
    }

    @Test
    void onePhoneWideLayout() {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "bureau-today-phone", ConsoleBrowser.PHONE)) {
            b.login("demo-bureau", "demo-bureau-pass");
            // Nothing wider than the phone's screen: no sideways scrolling on Today.
            long scroll = ((Number) b.js("return document.documentElement.scrollWidth")).longValue();
            long width = ((Number) b.js("return window.innerWidth")).longValue();
            assertTrue(scroll <= width, "page " + scroll + " px wide on a " + width + " px screen");
            b.screenshot("today-375");
            b.go("/console/boxes/box-lead-g3");
            b.waitFor(By.cssSelector("#live-card .boxcard"));
            scroll = ((Number) b.js("return document.documentElement.scrollWidth")).longValue();
            assertTrue(scroll <= width, "box page " + scroll + " px wide on a " + width + " px screen");
            b.screenshot("box-375");
        }
    }
}
