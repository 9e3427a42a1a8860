package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API's contract for bad requests: a JSON error with the right status, nothing half-done. */
class ApiTest {
    @TempDir
    static Path data;
    static ControllerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ControllerFixture(data);
        fixture.registerBox("s1", "c1", "box-1");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private void assertError(ControllerFixture.Response r, int status, String code, String messagePart) {
        assertEquals(status, r.status(), r.text());
        assertEquals(code, r.body().path("error").asText(), r.text());
        assertTrue(r.body().path("message").asText().contains(messagePart), r.text());
    }

    @Test
    void registrationRefusesBadBodiesWithReasons() throws Exception {
        assertError(fixture.post("/api/v1/boxes", "{not json"), 400, "bad_request", "not valid JSON");
        assertError(fixture.post("/api/v1/boxes", "[]"), 400, "bad_request", "JSON object");
        assertError(fixture.post("/api/v1/boxes", "{\"id\":\"box-2\",\"classroomId\":\"c1\"}"), 400, "bad_request", "model");
        assertError(fixture.post("/api/v1/boxes", "{\"id\":\"box 2!\",\"classroomId\":\"c1\",\"model\":\"m\"}"), 400, "invalid", "id");
        assertError(fixture.post("/api/v1/boxes", "{\"id\":\"box-2\",\"classroomId\":\"nowhere\",\"model\":\"m\"}"), 404, "not_found", "nowhere");
        assertError(fixture.post("/api/v1/boxes", "{\"id\":\"box-1\",\"classroomId\":\"c1\",\"model\":\"m\"}"), 409, "conflict", "box-1");
        assertError(fixture.post("/api/v1/boxes", "{\"id\":\"syncready-controller-x\",\"classroomId\":\"c1\",\"model\":\"m\"}"), 400, "invalid", "syncready-controller");
        assertError(fixture.post("/api/v1/boxes", "{\"id\":\"" + "x".repeat(70_000) + "\"}"), 413, "too_large", "64 KiB");
        assertEquals(1, fixture.get("/api/v1/boxes").body().size(), "no refused box was registered");
    }

    @Test
    void queriesValidateTheirParameters() throws Exception {
        assertError(fixture.get("/api/v1/boxes/nope"), 404, "not_found", "nope");
        assertError(fixture.get("/api/v1/boxes?state=sleepy"), 400, "bad_request", "state");
        assertError(fixture.get("/api/v1/boxes?school=nowhere"), 404, "not_found", "nowhere");
        assertError(fixture.get("/api/v1/boxes/box-1/history?from=yesterday"), 400, "bad_request", "ISO-8601");
        assertError(fixture.get("/api/v1/boxes/box-1/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), 400, "bad_request", "before");
        assertError(fixture.get("/api/v1/boxes/box-1/history?limit=0"), 400, "bad_request", "limit");
        assertError(fixture.get("/api/v1/nothing-here"), 404, "not_found", "no such endpoint");
    }

    @Test
    void listsTheRegistry() throws Exception {
        ControllerFixture.Response schools = fixture.get("/api/v1/schools");
        assertEquals("s1", schools.body().get(0).path("id").asText());
        assertEquals(1, schools.body().get(0).path("classrooms").asInt());
        ControllerFixture.Response rooms = fixture.get("/api/v1/classrooms?school=s1");
        assertEquals("box-1", rooms.body().get(0).path("boxIds").get(0).asText());
        ControllerFixture.Response box = fixture.get("/api/v1/boxes/box-1");
        assertEquals("never_seen", box.body().path("presence").asText());
        assertEquals("s1", box.body().path("schoolId").asText());
        assertEquals(1, fixture.get("/api/v1/boxes?state=never_seen").body().size());
        assertEquals(0, fixture.get("/api/v1/boxes?state=online").body().size());
        assertTrue(fixture.metricsText().contains("syncready_boxes_registered 1.0"));
    }
}
