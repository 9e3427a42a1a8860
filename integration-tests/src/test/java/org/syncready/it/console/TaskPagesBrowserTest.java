package org.syncready.it.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.w3c.dom.NodeList;

/**
 * The console's task pages in a real browser (Debian's headless Chromium) against the demo, one flow per
 * kind of user: the bureau downloads the readiness report as a workbook; the technician of remote-hexi
 * changes that school's stream push URL through the form, reads the dry run's diff, starts the rollout
 * and watches it finish; the school IT uploads a CSV timetable, reads the dry run and confirms it; an
 * admin creates a user; the school IT is refused the users page and the rollout actions. Screenshots of
 * every flow go to target/screenshots/&lt;flow&gt;/.
 */
class TaskPagesBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @TempDir
    static Path data;
    @TempDir
    static Path files;
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
    void theBureauOpensReportsAndDownloadsTheWorkbook() throws Exception {
        Path downloads = Files.createDirectories(files.resolve("downloads"));
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "bureau-reports", ConsoleBrowser.DESKTOP)) {
            ((ChromeDriver) b.driver()).executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                    "downloadPath", downloads.toString(), "eventsEnabled", true));
            b.login("demo-bureau", "demo-bureau-pass");
            b.driver().findElement(By.cssSelector("header.top nav a[href='/console/reports']")).click();
            b.waitFor(By.cssSelector("[data-testid=report-table]"));
            List<String> schools = b.driver().findElements(By.cssSelector("[data-testid=report-table] tbody tr td:first-child")).stream()
                    .map(WebElement::getText).toList();
            assertTrue(schools.containsAll(List.of("县第一实验小学", "河西镇中心小学", "山北乡小学", "黎坪村小")), schools.toString());
            // The chart is drawn by ECharts from the page's data (a canvas inside the chart's box).
            await().atMost(Duration.ofSeconds(15)).until(() -> "1".equals(b.driver().findElement(By.cssSelector("[data-testid=report-chart]"))
                    .getAttribute("data-drawn")));
            assertFalse(b.driver().findElements(By.cssSelector("[data-testid=report-chart] canvas")).isEmpty());
            b.screenshot("reports-1366x768");

            b.driver().findElement(By.cssSelector("[data-testid=download-xlsx]")).click();
            Path xlsx = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                try (Stream<Path> s = Files.list(downloads)) {
                    return s.filter(p -> p.toString().endsWith(".xlsx")).findFirst().orElse(null);
                }
            }, p -> p != null);
            assertEquals("readiness-school.xlsx", xlsx.getFileName().toString());
            List<String> cells = workbookTexts(xlsx);
            assertTrue(cells.containsAll(List.of("县第一实验小学", "河西镇中心小学", "山北乡小学", "黎坪村小", "school_name 学校名称")), cells.toString());
            b.screenshot("reports-downloaded");
        }
    }

    @Test
    void theTechnicianChangesHexisStreamServerThroughTheDryRunAndWatchesTheRolloutFinish() throws Exception {
        String url = "rtmp://10.1.0.5/live/hexi-" + System.nanoTime() % 100_000;
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "technician-rollout", ConsoleBrowser.PHONE)) {
            b.login("demo-tech", "demo-tech-pass");
            b.go("/console/rollouts");
            b.driver().findElement(By.cssSelector("[data-testid=new-rollout]")).click();
            b.waitFor(By.cssSelector("[data-testid=target-school-remote-hexi]")).click();
            assertTrue(b.driver().findElements(By.cssSelector("[data-testid=target-school-remote-shanbei]")).isEmpty(),
                    "only the technician's school is offered");
            new Select(b.driver().findElement(By.cssSelector("[data-testid=layer0]"))).selectByValue("school:remote-hexi");
            b.driver().findElement(By.cssSelector("[data-testid=key0]")).sendKeys("stream.pushUrl");
            b.driver().findElement(By.cssSelector("[data-testid=value0]")).sendKeys(url);
            WebElement waves = b.driver().findElement(By.cssSelector("[data-testid=waves]"));
            waves.clear();
            waves.sendKeys("1, 100%");
            // The demo is in class at any hour: send now rather than after the lessons (audited as rollout.force).
            b.driver().findElement(By.cssSelector("[data-testid=force]")).click();
            b.driver().findElement(By.cssSelector("[data-testid=note]")).sendKeys("河西新推流服务器");
            b.screenshot("1-form-375");
            b.driver().findElement(By.cssSelector("[data-testid=rollout-dry-run]")).click();

            b.waitFor(By.cssSelector("[data-testid=rollout-preview] .box-diff"));
            List<String> boxes = b.driver().findElements(By.cssSelector("[data-testid=rollout-preview] .box-diff")).stream()
                    .map(e -> e.getAttribute("data-box")).sorted().toList();
            assertEquals(List.of("box-hexi-g3", "box-hexi-g4", "box-hexi-g5"), boxes);
            String diff = b.text(By.cssSelector("[data-testid=rollout-preview]"));
            assertTrue(diff.contains("/stream/pushUrl") && diff.contains(url), diff);
            b.js("document.querySelector('[data-testid=rollout-preview]').scrollIntoView()");
            b.screenshot("2-dry-run-diff");

            b.driver().findElement(By.cssSelector("[data-testid=rollout-start]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> b.driver().getCurrentUrl().matches(".*/console/rollouts/r-[^/]+$"));
            String id = b.driver().getCurrentUrl().replaceAll(".*/console/rollouts/", "");
            b.waitFor(By.cssSelector("[data-testid=rollout-progress]"));
            b.screenshot("3-running");
            // The page polls every 2 s: no reload, the state turns to completed when the three boxes applied.
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() -> "completed".equals(
                    b.driver().findElement(By.cssSelector("[data-testid=rollout-progress]")).getAttribute("data-state")));
            assertEquals("已完成", b.text(By.cssSelector("[data-testid=rollout-state]")));
            List<String> states = b.driver().findElements(By.cssSelector("[data-testid=rollout-boxes] tbody tr")).stream()
                    .map(e -> e.getAttribute("data-state")).distinct().toList();
            assertEquals(List.of("applied"), states);
            b.screenshot("4-completed");

            JsonNode config = JSON.readTree(demo.api("GET", "/api/v1/boxes/box-hexi-g4/config", "demo-tech", null).body());
            assertEquals(url, config.path("overrides").path("school").path("stream").path("pushUrl").asText(), config.toString());
            JsonNode rollout = JSON.readTree(demo.api("GET", "/api/v1/rollouts/" + id, "demo-tech", null).body());
            assertEquals("completed", rollout.path("state").asText());
            assertEquals("demo-tech", rollout.path("actor").asText());
        }
    }

    @Test
    void theSchoolItUploadsACsvTimetableReadsTheDryRunAndConfirms() throws Exception {
        LocalDate today = LocalDate.now(ZONE);
        String term = "{\"id\":\"browser-term\",\"name\":\"浏览器测试学期\",\"firstDay\":\"" + today.minusDays(1) + "\",\"lastDay\":\""
                + today.plusDays(60) + "\",\"holidays\":[],\"makeUpDays\":{},\"periods\":{\"1\":{\"start\":\"08:00\",\"end\":\"08:45\"}}}";
        HttpResponse<String> put = demo.api("POST", "/api/v1/terms", "demo-admin", term);
        assertEquals(200, put.statusCode(), put.body());
        // One-off lessons a month ahead, led by a hexi classroom (demo-it's school) with a Shanbei classroom listening.
        LocalDate d1 = today.plusDays(30);
        LocalDate d2 = today.plusDays(31);
        Path csv = files.resolve("河西课表.csv");
        Files.writeString(csv, "日期,开始,结束,科目,教师,类型,主讲教室,听课教室\n"
                + d1 + ",08:00,08:45,科学,赵敏,直播,hexi-g4,shanbei-g4\n"
                + d2 + ",09:00,09:45,音乐,钱多,直播,hexi-g4,shanbei-g4\n", StandardCharsets.UTF_8);
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "school-it-timetable", ConsoleBrowser.DESKTOP)) {
            b.login("demo-it", "demo-it-pass");
            b.driver().findElement(By.cssSelector("header.top nav a[href='/console/timetable']")).click();
            new Select(b.waitFor(By.cssSelector("[data-testid=import-term]"))).selectByValue("browser-term");
            b.driver().findElement(By.cssSelector("[data-testid=import-file]")).sendKeys(csv.toString());
            b.driver().findElement(By.cssSelector("[data-testid=import-dry-run]")).click();
            b.waitFor(By.cssSelector("[data-testid=import-counts]"));
            assertEquals("2", b.text(By.cssSelector("[data-testid=import-counts] [data-count=create]")));
            assertEquals("true", b.driver().findElement(By.cssSelector("[data-testid=import-outcome]")).getAttribute("data-dry-run"));
            assertTrue(b.text(By.cssSelector("[data-testid=import-changes]")).contains("河西镇中心小学 4年级1班"));
            assertEquals(0, sessionsOn(d1), "a dry run stores nothing");
            b.screenshot("1-dry-run");

            b.driver().findElement(By.cssSelector("[data-testid=import-confirm]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> "false".equals(b.driver()
                    .findElement(By.cssSelector("[data-testid=import-outcome]")).getAttribute("data-dry-run")));
            assertTrue(b.text(By.cssSelector("[data-testid=import-notice]")).contains("已导入 2 节课"));
            assertEquals(1, sessionsOn(d1));
            assertEquals(1, sessionsOn(d2));
            b.screenshot("2-imported");
        }
    }

    @Test
    void anAdminCreatesAUser() throws Exception {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "admin-users", ConsoleBrowser.DESKTOP)) {
            b.login("demo-admin", "demo-admin-pass");
            b.driver().findElement(By.cssSelector("header.top nav a[href='/console/users']")).click();
            b.waitFor(By.cssSelector("[data-testid=new-username]")).sendKeys("zhao.liping");
            b.driver().findElement(By.cssSelector("[data-testid=new-displayName]")).sendKeys("赵老师");
            new Select(b.driver().findElement(By.cssSelector("[data-testid=new-role]"))).selectByValue("school-it");
            b.driver().findElement(By.cssSelector("[data-testid=new-school-remote-liping]")).click();
            b.driver().findElement(By.cssSelector("[data-testid=new-password]")).sendKeys("liping-it-password");
            b.screenshot("1-form");
            b.driver().findElement(By.cssSelector("[data-testid=user-create-submit]")).click();
            b.waitFor(By.cssSelector("[data-testid=users-notice]"));
            String row = b.text(By.cssSelector("[data-user='zhao.liping']"));
            assertTrue(row.contains("赵老师") && row.contains("学校信息中心") && row.contains("黎坪村小"), row);
            b.screenshot("2-created");
        }
        // The new user logs in and sees only their school.
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "admin-users", ConsoleBrowser.DESKTOP)) {
            b.login("zhao.liping", "liping-it-password");
            assertEquals("黎坪村小", b.text(By.cssSelector("[data-testid=schools]")));
            b.screenshot("3-new-user-today");
        }
    }

    @Test
    void aSchoolItUserIsRefusedTheUsersPageAndTheRolloutActions() throws Exception {
        try (ConsoleBrowser b = ConsoleBrowser.open(demo.base(), "school-it-refused", ConsoleBrowser.DESKTOP)) {
            b.login("demo-it", "demo-it-pass");
            assertTrue(b.driver().findElements(By.cssSelector("header.top nav a[href='/console/users']")).isEmpty(), "no Users entry");
            b.go("/console/users");
            assertEquals("403", b.waitFor(By.cssSelector(".error-page")).getAttribute("data-status"));
            b.screenshot("1-users-403");
            b.go("/console/rollouts/new");
            assertEquals("403", b.waitFor(By.cssSelector(".error-page")).getAttribute("data-status"));
            b.screenshot("2-rollout-form-403");
            // What the form would post, sent from the page with the session's CSRF token: refused before anything is read.
            String csrf = JSON.readTree(b.driver().findElement(By.tagName("body")).getAttribute("hx-headers")).path("X-CSRF-Token").asText();
            for (String path : List.of("/console/rollouts/preview", "/console/rollouts")) {
                Object status = ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeAsyncScript(
                        "var done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0], {method: 'POST', headers: {'X-CSRF-Token': arguments[1],"
                                + " 'content-type': 'application/x-www-form-urlencoded'}, body: 'school=remote-hexi&profile=generic-recorder-b/classroom-720p'})"
                                + ".then(function (r) { done(r.status); }, function (e) { done(String(e)); });", path, csrf);
                assertEquals(403L, ((Number) status).longValue(), path);
            }
            JsonNode list = JSON.readTree(demo.api("GET", "/api/v1/rollouts", "demo-admin", null).body());
            for (JsonNode r : list) {
                assertFalse(r.path("actor").asText().equals("demo-it"), "no rollout by the school IT");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int sessionsOn(LocalDate day) throws Exception {
        JsonNode list = JSON.readTree(demo.api("GET", "/api/v1/sessions?from=" + day + "&to=" + day.plusDays(1) + "&classroom=hexi-g4",
                "demo-it", null).body());
        return list.size();
    }

    /**
     * Every text of an .xlsx's first sheet (shared and inline strings), read with the JDK alone: the file is a
     * workbook a spreadsheet program opens (a zip with the workbook and its sheet), whatever wrote it.
     */
    private static List<String> workbookTexts(Path xlsx) throws Exception {
        List<String> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(xlsx.toFile())) {
            assertTrue(zip.getEntry("xl/workbook.xml") != null && zip.getEntry("xl/worksheets/sheet1.xml") != null,
                    "a workbook with a sheet: " + Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList());
            for (String part : List.of("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml")) {
                ZipEntry e = zip.getEntry(part);
                if (e == null) {
                    continue;
                }
                byte[] xml = zip.getInputStream(e).readAllBytes();
                NodeList texts = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml))
                        .getElementsByTagName("t");
                for (int i = 0; i < texts.getLength(); i++) {
                    out.add(texts.item(i).getTextContent());
                }
            }
        }
        return out;
    }
}
