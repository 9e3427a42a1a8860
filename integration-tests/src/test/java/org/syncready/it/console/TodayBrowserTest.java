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
            List<String> verdicts = b.driver().findElements(By.cssSelector("li.session .badge")).stream().map(WebElement::getText).distinct().toList();
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
}
