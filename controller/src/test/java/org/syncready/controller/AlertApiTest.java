package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.controller.account.Role;
import org.syncready.controller.alert.PlatformReceiver;

/**
 * {@code /api/v1/alerts} on a running controller: channels with their secrets masked in every answer
 * and every bad field named, test messages and the delivery log, the built-in inbox, the acknowledge
 * link from a real message, and a real T-30 check of the controller reaching a school's robot.
 */
class AlertApiTest {
    private static final String SECRET = "SECa1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path dir;

    private static String dingTalk(String id, String school, String url, String secret) {
        return "{\"id\":\"" + id + "\",\"name\":\"河西镇中心小学信息中心群\",\"schoolId\":\"" + school + "\",\"kind\":\"dingtalk\",\"url\":\""
                + url + "\",\"secret\":\"" + secret + "\"}";
    }

    @Test
    void channelsAreManagedWithSecretsMaskedAndEveryBadFieldNamed() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        try (ControllerFixture api = new ControllerFixture(dir, clock); PlatformReceiver robot = PlatformReceiver.dingTalk(SECRET, clock)) {
            api.registerBox("hexi", "hexi-g3", "box-hexi-g3");
            ControllerFixture.Response created = api.post("/api/v1/alerts/channels", dingTalk("hexi-it", "hexi", robot.url(), SECRET));
            assertEquals(201, created.status(), created.text());
            assertTrue(created.body().path("url").asText().endsWith("access_token=***"), created.text());
            assertEquals("***", created.body().path("secret").asText());
            assertEquals(List.of("readiness", "incident", "offline"), api.json.convertValue(created.body().path("topics"), List.class));
            for (String path : List.of("/api/v1/alerts/channels", "/api/v1/alerts/channels/hexi-it", "/api/v1/audit")) {
                String text = api.get(path).text();
                assertFalse(text.contains(PlatformReceiver.TOKEN) || text.contains(SECRET), path + " shows a secret: " + text);
            }

            ControllerFixture.Response bad = api.post("/api/v1/alerts/channels",
                    "{\"name\":\"x\",\"kind\":\"wecom\",\"url\":\"https://qyapi.weixin.qq.com/cgi-bin/webhook/send\",\"secret\":\"s\","
                            + "\"perMinute\":50,\"topics\":[\"readiness\",\"gossip\"],\"colour\":\"red\"}");
            assertEquals(400, bad.status(), bad.text());
            List<String> fields = bad.body().path("problems").findValuesAsText("field");
            assertTrue(fields.containsAll(List.of("/colour", "/topics/1", "/perMinute", "/url", "/secret")), fields.toString());
            assertEquals(400, api.post("/api/v1/alerts/channels", dingTalk("x", "atlantis", robot.url(), SECRET)).status());
            // "type" is taken for "kind" (the word other alerting tools use); both, and different, is a named problem.
            ControllerFixture.Response typed = api.post("/api/v1/alerts/channels", "{\"id\":\"typed\",\"name\":\"t\",\"schoolId\":\"hexi\","
                    + "\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"s3cret-s3cret\"}");
            assertEquals(201, typed.status(), typed.text());
            assertEquals("webhook", typed.body().path("kind").asText());
            ControllerFixture.Response both = api.post("/api/v1/alerts/channels", "{\"name\":\"t\",\"schoolId\":\"hexi\","
                    + "\"type\":\"webhook\",\"kind\":\"wecom\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"s\"}");
            assertEquals(400, both.status(), both.text());
            assertTrue(both.body().path("problems").findValuesAsText("field").contains("/type"), both.text());
            assertEquals(409, api.post("/api/v1/alerts/channels", dingTalk("hexi-it", "hexi", robot.url(), SECRET)).status());

            // Sent back as shown ("***"), the secret keeps its value: the test message is still signed right.
            ControllerFixture.Response changed = api.put("/api/v1/alerts/channels/hexi-it",
                    "{\"name\":\"河西信息中心\",\"secret\":\"***\",\"url\":\"" + created.body().path("url").asText() + "\",\"minLevel\":\"critical\"}");
            assertEquals(200, changed.status(), changed.text());
            assertEquals("critical", changed.body().path("minLevel").asText());
            ControllerFixture.Response test = api.post("/api/v1/alerts/channels/hexi-it/test", "");
            assertEquals(200, test.status(), test.text());
            assertTrue(test.body().path("sent").asBoolean(), test.text());
            assertEquals(1, robot.taken().size());
            assertTrue(robot.taken().get(0).body().path("markdown").path("text").asText().contains("河西信息中心"));

            assertEquals(204, api.delete("/api/v1/alerts/channels/hexi-it").status());
            assertEquals(404, api.get("/api/v1/alerts/channels/hexi-it").status());
        }
    }

    @Test
    void aFailedTestMessageShowsThePlatformsWordsInTheDeliveryLog() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        try (ControllerFixture api = new ControllerFixture(dir, clock); PlatformReceiver robot = PlatformReceiver.dingTalk(SECRET, clock)) {
            api.registerBox("hexi", "hexi-g3", "box-hexi-g3");
            api.post("/api/v1/alerts/channels", dingTalk("hexi-it", "hexi", robot.url(), "SECnot-the-robots-secret"));
            ControllerFixture.Response test = api.post("/api/v1/alerts/channels/hexi-it/test", "");
            assertEquals(200, test.status());
            assertFalse(test.body().path("sent").asBoolean());
            assertEquals("310000", test.body().path("code").asText());
            assertTrue(test.body().path("detail").asText().contains("签名不匹配"), test.text());
            JsonNode log = api.get("/api/v1/alerts/channels/hexi-it/deliveries").body();
            assertEquals("failed", log.path("messages").get(0).path("state").asText());
            assertEquals("failed", log.path("log").get(0).path("outcome").asText());
            assertEquals("310000", log.path("log").get(0).path("code").asText());
            assertTrue(api.metricsText().contains("syncready_alerts_deliveries_total{channel=\"hexi-it\",outcome=\"failed\"} 1.0"));
        }
    }

    @Test
    void theBuiltInInboxTakesOnlySignedMessagesAndShowsThem() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir)) {
            int port = api.controller.httpPort();
            ControllerFixture.Response created = api.post("/api/v1/alerts/channels", "{\"id\":\"inbox\",\"name\":\"教育局收件箱\",\"kind\":\"webhook\","
                    + "\"url\":\"http://127.0.0.1:" + port + "/api/v1/alerts/inbox\",\"secret\":\"inbox-secret-0123456789\"}");
            assertEquals(201, created.status(), created.text());
            assertEquals(List.of("escalation", "rollout"), api.json.convertValue(created.body().path("topics"), List.class), "bureau defaults");
            ControllerFixture.Response test = api.post("/api/v1/alerts/channels/inbox/test", "");
            assertTrue(test.body().path("sent").asBoolean(), test.text());
            JsonNode inbox = api.get("/api/v1/alerts/inbox").body();
            assertEquals(1, inbox.size());
            assertEquals("test", inbox.get(0).path("event").asText());
            assertTrue(inbox.get(0).path("title").asText().contains("测试消息"));

            ControllerFixture.Response forged = api.post("/api/v1/alerts/inbox", "{\"title\":\"fake\"}");
            assertEquals(403, forged.status(), forged.text());
            assertEquals(1, api.get("/api/v1/alerts/inbox").body().size());
        }
    }

    @Test
    void aT30CheckOfTheControllerReachesTheSchoolsRobotAndItsAcknowledgeLinkWorks() throws Exception {
        Instant start = LocalDateTime.of(2026, 9, 8, 8, 0).atZone(ZONE).toInstant();
        TestClock clock = new TestClock(start.minus(Duration.ofMinutes(31)));
        try (PlatformReceiver robot = PlatformReceiver.dingTalk(SECRET, clock);
             ControllerFixture api = new ControllerFixture(ControllerConfig.builder(dir).freePorts().clock(clock)
                     .publicUrl("https://syncready.county.example.cn").build())) {
            api.registerBox("lead-school", "lead-g1", "box-lead");
            api.post("/api/v1/schools", "{\"id\":\"hexi\",\"nameZh\":\"河西镇中心小学\",\"nameEn\":\"Hexi Central Primary\"}");
            api.post("/api/v1/classrooms", "{\"id\":\"hexi-g3\",\"schoolId\":\"hexi\",\"nameZh\":\"三年级1班\",\"nameEn\":\"Grade 3 Class 1\"}");
            api.post("/api/v1/boxes", "{\"id\":\"box-hexi-g3\",\"classroomId\":\"hexi-g3\",\"model\":\"generic-recorder-a\"}");
            assertEquals(201, api.post("/api/v1/alerts/channels", dingTalk("hexi-it", "hexi", robot.url(), SECRET)).status());
            ControllerFixture.Response session = api.post("/api/v1/sessions", "{\"leadClassroomId\":\"lead-g1\",\"remoteClassroomIds\":[\"hexi-g3\"],"
                    + "\"subject\":\"科学\",\"teacher\":\"王老师\",\"kind\":\"直播\",\"start\":\"2026-09-08T08:00\",\"end\":\"2026-09-08T08:45\"}");
            assertEquals(201, session.status(), session.text());

            clock.advance(Duration.ofMinutes(1)); // 07:30: the T-30 check; the boxes never connected
            api.controller.readiness().tick().get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> robot.taken().size() == 1);
            String text = robot.taken().get(0).body().path("markdown").path("text").asText();
            assertTrue(text.contains("T-30 课前检查：河西镇中心小学") && text.contains("河西镇中心小学 三年级1班") && text.contains("08:00 科学"), text);
            Matcher link = Pattern.compile("\\((https://syncready\\.county\\.example\\.cn(/api/v1/alerts/ack/[A-Za-z0-9_.-]+))\\)").matcher(text);
            assertTrue(link.find(), "an acknowledge link under the public URL: " + text);

            HttpClient http = HttpClient.newHttpClient();
            URI ack = URI.create("http://127.0.0.1:" + api.controller.httpPort() + link.group(2));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(ack).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<form method=\"post\">"), page.body());
            JsonNode notices = api.get("/api/v1/alerts/notices?school=hexi").body();
            assertTrue(notices.get(0).path("acknowledged").isMissingNode(), "opening the link acknowledges nothing");
            HttpResponse<String> done = http.send(HttpRequest.newBuilder(ack).header("content-type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("by=%E5%BC%A0%E8%80%81%E5%B8%88")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, done.statusCode(), done.body());
            assertTrue(done.body().contains("已确认"), done.body());
            JsonNode acked = api.get("/api/v1/alerts/notices/" + notices.get(0).path("id").asLong()).body();
            assertEquals("张老师", acked.path("acknowledged").path("by").asText());
            assertEquals("link", acked.path("acknowledged").path("via").asText());
        }
    }

    @Test
    void schoolItSeesOnlyItsOwnSchoolsQuietHoursAndMaintenanceWindows() throws Exception {
        try (ControllerFixture api = new ControllerFixture(dir)) {
            api.registerBox("hexi", "hexi-g3", "box-hexi-g3");
            api.registerBox("shanyang", "shanyang-g1", "box-shanyang-g1");
            String until = Instant.now().plus(Duration.ofHours(1)).toString();
            for (String school : List.of("hexi", "shanyang")) {
                assertEquals(200, api.put("/api/v1/alerts/quiet-hours/" + school, "{\"from\":\"21:00\",\"to\":\"06:30\"}").status());
                ControllerFixture.Response window = api.post("/api/v1/alerts/maintenance",
                        "{\"schoolId\":\"" + school + "\",\"until\":\"" + until + "\",\"note\":\"更换摄像头 / camera swap\"}");
                assertEquals(201, window.status(), window.text());
            }
            ControllerFixture.Client hexiIt = api.as(api.tokenFor("hexi-it", Role.SCHOOL_IT, java.util.Set.of("hexi")));
            ControllerFixture.Client hexiTech = api.as(api.tokenFor("hexi-tech", Role.TECHNICIAN, java.util.Set.of("hexi")));
            ControllerFixture.Client bureau = api.as(api.tokenFor("bureau", Role.BUREAU, java.util.Set.of()));

            assertEquals(List.of("hexi"), schools(hexiIt.get("/api/v1/alerts/quiet-hours")));
            assertEquals(List.of("hexi"), schools(hexiIt.get("/api/v1/alerts/maintenance")));
            assertEquals(List.of("hexi"), schools(hexiTech.get("/api/v1/alerts/maintenance")));
            assertEquals(List.of("hexi", "shanyang"), schools(bureau.get("/api/v1/alerts/quiet-hours")));
            assertEquals(List.of("hexi", "shanyang"), schools(bureau.get("/api/v1/alerts/maintenance")));
        }
    }

    /** The schools of a list answer's items, sorted. */
    private static List<String> schools(ControllerFixture.Response r) {
        assertEquals(200, r.status(), r.text());
        List<String> out = new java.util.ArrayList<>();
        r.body().forEach(item -> out.add(item.path("schoolId").asText()));
        return out.stream().sorted().toList();
    }
}
