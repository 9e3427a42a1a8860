package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions, readiness and reports over real HTTP. */
class SessionApiTest {
    @TempDir
    static Path data;
    static ControllerFixture api;

    @BeforeAll
    static void start() throws Exception {
        api = ControllerFixture.withLeadAndTwoRuralClassrooms(data);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static String session(String lead, String start, String end, String subject, String... remotes) {
        StringBuilder r = new StringBuilder();
        for (String remote : remotes) {
            r.append(r.length() == 0 ? "" : ",").append('"').append(remote).append('"');
        }
        return "{\"leadClassroomId\":\"" + lead + "\",\"remoteClassroomIds\":[" + r + "],\"subject\":\"" + subject
                + "\",\"teacher\":\"王老师\",\"kind\":\"直播\",\"start\":\"" + start + "\",\"end\":\"" + end + "\"}";
    }

    private static void assertError(ControllerFixture.Response r, int status, String fragment) {
        assertEquals(status, r.status(), r.text());
        assertTrue(r.body().path("message").asText().contains(fragment), r.text());
    }

    @Test
    void createListChangeAndDeleteASession() throws Exception {
        ControllerFixture.Response created = api.post("/api/v1/sessions",
                session("lead-g1", "2026-09-08T08:00", "2026-09-08T08:45", "数学", "rural-g1", "rural-g2"));
        assertEquals(201, created.status(), created.text());
        JsonNode s = created.body();
        String id = s.path("id").asText();
        assertEquals("2026-09-08T08:00+08:00", s.path("start").asText(), "local times are the bureau's");
        assertEquals("live", s.path("kind").asText());
        assertEquals("lead-school", s.path("leadSchoolId").asText());

        JsonNode day = api.get("/api/v1/sessions?from=2026-09-08&to=2026-09-09&school=rural").body();
        assertEquals(1, day.size());
        assertEquals(0, api.get("/api/v1/sessions?from=2026-09-09&to=2026-09-10").body().size());

        ControllerFixture.Response changed = api.put("/api/v1/sessions/" + id,
                session("lead-g1", "2026-09-08T08:00+08:00", "2026-09-08T08:40+08:00", "数学（复习）", "rural-g1"));
        assertEquals(200, changed.status(), changed.text());
        assertEquals("数学（复习）", api.get("/api/v1/sessions/" + id).body().path("subject").asText());

        assertEquals(200, api.delete("/api/v1/sessions/" + id).status());
        assertEquals(404, api.get("/api/v1/sessions/" + id).status());
        assertEquals(404, api.delete("/api/v1/sessions/" + id).status());
    }

    @Test
    void badSessionsAreRefusedNamingTheField() throws Exception {
        assertError(api.post("/api/v1/sessions", "{\"leadClassroomId\":\"lead-g1\",\"remoteClassroomIds\":[\"rural-g1\"],"
                + "\"start\":\"2026-09-08T10:00\",\"end\":\"2026-09-08T10:45\"}"), 400, "'subject'");
        assertError(api.post("/api/v1/sessions", session("lead-g1", "tomorrow", "2026-09-08T10:45", "数学", "rural-g1")), 400, "'start'");
        assertError(api.post("/api/v1/sessions", session("lead-g1", "2026-09-08T10:00", "2026-09-08T09:00", "数学", "rural-g1")), 400, "'end'");
        assertError(api.post("/api/v1/sessions", session("nowhere", "2026-09-08T10:00", "2026-09-08T10:45", "数学", "rural-g1")), 400, "nowhere");
        assertError(api.post("/api/v1/sessions", session("lead-g1", "2026-09-08T10:00", "2026-09-08T10:45", "数学")), 400, "remote");
        assertError(api.post("/api/v1/sessions", session("lead-g1", "2026-09-08T10:00", "2026-09-08T10:45", "数学", "rural-g1")
                .replace("直播", "podcast")), 400, "'kind'");
        assertEquals(201, api.post("/api/v1/sessions", session("lead-g1", "2026-09-08T11:00", "2026-09-08T11:45", "英语", "rural-g1")).status());
        assertError(api.post("/api/v1/sessions", session("rural-g2", "2026-09-08T11:30", "2026-09-08T12:15", "科学", "rural-g1")), 409, "rural-g1");
        assertError(api.get("/api/v1/sessions?from=2026-09-08&to=2026-09-01"), 400, "'from'");
        assertError(api.get("/api/v1/sessions?school=atlantis"), 404, "atlantis");
    }

    @Test
    void readinessOfASessionTheBoardAndTheReport() throws Exception {
        // Tomorrow, so the on-demand check made now counts as "before the start" in the report.
        String day = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).plusDays(1).toString();
        String next = java.time.LocalDate.parse(day).plusDays(1).toString();
        ControllerFixture.Response created = api.post("/api/v1/sessions",
                session("lead-g1", day + "T08:00", day + "T08:45", "语文", "rural-g1", "rural-g2"));
        String id = created.body().path("id").asText();

        JsonNode preview = api.get("/api/v1/sessions/" + id + "/readiness").body();
        assertEquals("preview", preview.path("readiness").path("trigger").asText(), "nothing checked yet: live preview");
        assertEquals("UNKNOWN", preview.path("readiness").path("verdict").asText(), "the boxes never reported");
        assertEquals("NO_DATA", preview.path("readiness").path("classrooms").get(0).path("reasons").get(0).path("code").asText());
        assertTrue(preview.path("readiness").path("classrooms").get(0).path("reasons").get(0).path("zh").asText().contains("从未上报"));

        ControllerFixture.Response checked = api.post("/api/v1/sessions/" + id + "/check", "");
        assertEquals(200, checked.status(), checked.text());
        assertEquals("on-demand", checked.body().path("readiness").path("trigger").asText());
        assertEquals("on-demand", api.get("/api/v1/sessions/" + id + "/readiness").body().path("readiness").path("trigger").asText());
        assertEquals(404, api.post("/api/v1/sessions/nope/check", "").status());

        JsonNode board = api.get("/api/v1/readiness?date=" + day + "&school=rural").body();
        assertEquals(1, board.path("sessions").size());
        assertEquals(2, board.path("counts").path("UNKNOWN").asInt(), "rural's two classrooms, not the lead school's");
        assertEquals("rural", board.path("school").path("id").asText());
        JsonNode rooms = board.path("sessions").get(0).path("readiness").path("classrooms");
        assertEquals(2, rooms.size(), "only rural's classrooms: " + rooms);
        for (JsonNode room : rooms) {
            assertEquals("rural", room.path("schoolId").asText());
            assertEquals("教室", room.path("classroomNameZh").asText());
            assertEquals("Room", room.path("classroomNameEn").asText());
            assertEquals("学校", room.path("schoolNameZh").asText());
        }
        assertEquals("UNKNOWN", board.path("sessions").get(0).path("readiness").path("schoolVerdict").asText());
        JsonNode lead = api.get("/api/v1/readiness?date=" + day + "&school=lead-school").body();
        assertEquals(1, lead.path("sessions").get(0).path("readiness").path("classrooms").size());
        assertEquals("lead-g1", lead.path("sessions").get(0).path("readiness").path("classrooms").get(0).path("classroomId").asText());
        JsonNode all = api.get("/api/v1/readiness?date=" + day).body();
        assertEquals(1, all.path("counts").path("UNKNOWN").asInt(), "without a filter: sessions");
        assertEquals(3, all.path("sessions").get(0).path("readiness").path("classrooms").size());
        assertEquals("Room", all.path("sessions").get(0).path("readiness").path("classrooms").get(2).path("classroomNameEn").asText());
        assertEquals("Asia/Shanghai", board.path("timeZone").asText());
        assertError(api.get("/api/v1/readiness?date=9/9/2026"), 400, "'date'");

        // A session that is over and was never checked is not judged on today's live state.
        String past = java.time.LocalDate.parse(day).minusDays(3).toString();
        api.post("/api/v1/sessions", session("lead-g1", past + "T08:00", past + "T08:45", "历史", "rural-g1"));
        JsonNode old = api.get("/api/v1/readiness?date=" + past).body().path("sessions").get(0).path("readiness");
        assertEquals("UNKNOWN", old.path("verdict").asText());
        assertEquals("not-checked", old.path("trigger").asText());

        JsonNode report = api.get("/api/v1/reports/readiness?from=" + day + "&to=" + next + "&groupBy=classroom").body();
        assertEquals(3, report.path("rows").size());
        assertEquals(1, report.path("rows").get(0).path("checked").asInt());
        assertEquals(0, report.path("rows").get(0).path("ready").asInt(), "UNKNOWN is not READY");
        JsonNode room = report.path("rows").get(0);
        assertEquals("lead-g1", room.path("classroomId").asText());
        assertEquals("教室", room.path("classroomNameZh").asText());
        assertEquals("Room", room.path("classroomNameEn").asText());
        assertEquals("lead-school", room.path("schoolId").asText());
        assertEquals("学校", room.path("schoolNameZh").asText());
        assertEquals(0, room.path("unchecked").asInt());
        ControllerFixture.Response csv = api.get("/api/v1/reports/readiness?from=" + day + "&to=" + next + "&format=csv");
        assertEquals(200, csv.status());
        assertTrue(csv.text().startsWith("\uFEFFschool 学校,school_name 学校名称,school_name_en 学校英文名称,sessions 课次,"
                + "checked 已检查,unchecked 未检查"), csv.text());
        assertTrue(csv.text().contains("rural,学校,School,2,2,0,0,0.0,2,0,0"), csv.text());

        java.net.http.HttpResponse<byte[]> xlsx = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + api.controller.httpPort() + "/api/v1/reports/readiness?from=" + day + "&to=" + next
                        + "&groupBy=classroom&format=xlsx")).header("Authorization", "Bearer " + api.adminToken).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, xlsx.statusCode());
        assertEquals("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.headers().firstValue("content-type").orElse(""));
        java.util.List<java.util.List<String>> sheet = XlsxCells.read(xlsx.body());
        assertEquals(java.util.List.of("classroom 班级", "classroom_name 班级名称", "classroom_name_en 班级英文名称", "school 学校",
                "school_name 学校名称", "school_name_en 学校英文名称", "sessions 课次", "checked 已检查", "unchecked 未检查", "ready 就绪",
                "readiness_rate 就绪率", "without_incident 无故障课次", "incidents 故障数", "minutes_lost 损失分钟"), sheet.get(0));
        assertEquals(java.util.List.of("lead-g1", "教室", "Room", "lead-school", "学校", "School", "1", "1", "0", "0", "0.0", "1", "0", "0"),
                sheet.get(1), "the rate of 0 READY out of 1 checked is 0");
        assertEquals(4, sheet.size(), "header and three classrooms");

        // Sessions never checked are counted apart: the one in the past above had no check.
        String pastFrom = java.time.LocalDate.parse(day).minusDays(4).toString();
        JsonNode withPast = api.get("/api/v1/reports/readiness?from=" + pastFrom + "&to=" + day + "&groupBy=school").body();
        JsonNode rural = withPast.path("rows").get(1);
        assertEquals("rural", rural.path("key").asText());
        assertEquals(1, rural.path("sessions").asInt());
        assertEquals(1, rural.path("unchecked").asInt(), withPast.toString());
        assertEquals(0, rural.path("withoutIncident").asInt(), "not known to have gone well");
        assertTrue(rural.path("readinessRate").isNull());
        assertError(api.get("/api/v1/reports/readiness?groupBy=county"), 400, "'groupBy'");
    }
}
