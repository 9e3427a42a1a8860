package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain Google Calendar export (no X-SYNCREADY-* property: calendar users cannot add them) imports:
 * LOCATION names the lead classroom, ATTENDEEs or a "远端：" / "Remotes:" line of the description the
 * remote ones, by id or by name; a moved instance replaces its occurrence and a cancelled one removes it.
 * The fixture is shaped like Google's export (folded lines, escaped commas, VTIMEZONE, resource rooms).
 */
class GoogleCalendarImportTest {
    @TempDir
    static Path data;
    static ControllerFixture api;

    @BeforeAll
    static void start() throws Exception {
        api = new ControllerFixture(data);
        school("county-no1", "县第一实验小学", "County No.1 Experimental Primary School");
        school("hexi", "河西镇中心小学", "Hexi Central Primary");
        school("shanbei", "山北乡小学", "Shanbei Township Primary");
        for (String s : List.of("county", "hexi", "shanbei")) {
            String schoolId = s.equals("county") ? "county-no1" : s;
            assertEquals(201, api.post("/api/v1/classrooms", "{\"id\":\"" + s + "-g3\",\"schoolId\":\"" + schoolId
                    + "\",\"nameZh\":\"三年级1班\",\"nameEn\":\"Grade 3 Class 1\"}").status());
        }
    }

    private static void school(String id, String zh, String en) throws Exception {
        assertEquals(201, api.post("/api/v1/schools", "{\"id\":\"" + id + "\",\"nameZh\":\"" + zh + "\",\"nameEn\":\"" + en + "\"}").status());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static ControllerFixture.Response importIcs(String query, byte[] ics) throws Exception {
        return api.postBytes("/api/v1/sessions/import?from=2026-09-01&to=2026-09-30" + query, "text/calendar", ics);
    }

    @Test
    void aGoogleExportImportsWithLocationAttendeesAndDescription() throws Exception {
        byte[] ics;
        try (InputStream in = getClass().getResourceAsStream("/org/syncready/controller/schedule/google-calendar-export.ics")) {
            ics = in.readAllBytes();
        }
        ControllerFixture.Response r = importIcs("", ics);
        assertEquals(200, r.status(), r.text());
        assertEquals(12, r.body().path("create").asInt(), r.text());

        List<String> maths = new ArrayList<>();
        List<String> english = new ArrayList<>();
        JsonNode science = null;
        for (JsonNode s : api.get("/api/v1/sessions?from=2026-09-01&to=2026-10-01").body()) {
            assertEquals("county-g3", s.path("leadClassroomId").asText(), s.toString());
            switch (s.path("subject").asText()) {
                case "数学（同步课）" -> {
                    maths.add(s.path("start").asText());
                    assertEquals("[\"hexi-g3\",\"shanbei-g3\"]", s.path("remoteClassroomIds").toString(), "from 远端： in the description");
                }
                case "English 英语" -> {
                    english.add(s.path("start").asText());
                    assertEquals("[\"hexi-g3\",\"shanbei-g3\"]", s.path("remoteClassroomIds").toString(),
                            "the room resource and the classroom's address, not the teacher");
                }
                case "Science 科学" -> science = s;
                default -> throw new AssertionError("unexpected session " + s);
            }
        }
        assertEquals(List.of("2026-09-07T08:00+08:00", "2026-09-09T08:00+08:00", "2026-09-14T10:00+08:00",
                "2026-09-21T08:00+08:00", "2026-09-23T08:00+08:00", "2026-09-28T08:00+08:00", "2026-09-30T08:00+08:00"), maths,
                "14th moved to 10:00, 16th cancelled");
        assertEquals(List.of("2026-09-08T09:00+08:00", "2026-09-15T09:00+08:00", "2026-09-22T09:00+08:00", "2026-09-29T09:00+08:00"),
                english);
        assertEquals("[\"hexi-g3\"]", science.path("remoteClassroomIds").toString(), "Remotes: in an HTML description, by English name");

        ControllerFixture.Response again = importIcs("", ics);
        assertEquals(12, again.body().path("unchanged").asInt(), "importing the export again changes nothing: " + again.text());
    }

    @Test
    void anEventNamingNoRemoteSaysHowToAndAMappingChosenAtImportFillsIt() throws Exception {
        String event = String.join("\r\n", "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
                "BEGIN:VEVENT", "UID:plain-1@google.com", "DTSTART;TZID=Asia/Shanghai:20260911T150000",
                "DTEND;TZID=Asia/Shanghai:20260911T154500", "SUMMARY:音乐", "LOCATION:县第一实验小学三年级1班", "END:VEVENT",
                "BEGIN:VEVENT", "UID:plain-2@google.com", "DTSTART;TZID=Asia/Shanghai:20260911T160000",
                "DTEND;TZID=Asia/Shanghai:20260911T164500", "SUMMARY:美术", "LOCATION:三年级1班", "DESCRIPTION:远端: hexi-g3",
                "END:VEVENT", "END:VCALENDAR", "");
        ControllerFixture.Response refused = importIcs("&dryRun=true", event.getBytes(StandardCharsets.UTF_8));
        assertEquals(422, refused.status(), refused.text());
        String errors = refused.body().path("errors").toString();
        assertTrue(errors.contains("no remote classroom: invite the remote classrooms") && errors.contains("?remotes="), errors);
        assertTrue(errors.contains("'三年级1班' names 3 classrooms") && errors.contains("give the school's name"), errors);

        ControllerFixture.Response mapped = importIcs("&dryRun=true&skipBadRows=true&remotes=" + java.net.URLEncoder.encode(
                "hexi-g3,山北乡小学 三年级1班", StandardCharsets.UTF_8), event.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, mapped.status(), mapped.text());
        assertEquals(1, mapped.body().path("create").asInt(), mapped.text());
        JsonNode created = mapped.body().path("changes").get(0).path("session");
        assertEquals("county-g3", created.path("leadClassroomId").asText());
        assertEquals("[\"hexi-g3\",\"shanbei-g3\"]", created.path("remoteClassroomIds").toString());

        ControllerFixture.Response badMapping = importIcs("&remotes=nowhere", event.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, badMapping.status());
        assertTrue(badMapping.body().path("message").asText().contains("unknown classroom 'nowhere'"), badMapping.text());
    }
}
