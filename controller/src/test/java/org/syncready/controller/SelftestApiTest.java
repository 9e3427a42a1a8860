package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.MessageCodec;

/**
 * {@code POST /api/v1/boxes/{id}/selftest} on a real controller and broker with a box answering over
 * MQTT: the report passes through whole, and every way it can go wrong has its status (the real agent's
 * report: integration-tests' SelftestEndToEndTest).
 */
class SelftestApiTest {
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    static Path data;
    static ControllerFixture api;
    static SimulationApiTest.AnsweringBox box;

    @BeforeAll
    static void start() throws Exception {
        api = new ControllerFixture(ControllerConfig.builder(data).freePorts().selftestTimeout(Duration.ofSeconds(2)).build());
        String password = api.registerBox("sch", "room-1", "box-1");
        api.registerBox("sch", "room-2", "box-never");
        box = new SimulationApiTest.AnsweringBox(api.controller.brokerUri(), "box-1", password);
        box.answers = "selftest";
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/boxes/box-1").body().path("presence").asText().equals("online"));
    }

    @AfterAll
    static void stop() throws Exception {
        box.close();
        api.close();
    }

    @Test
    void theBoxReportIsAnsweredWithEveryCheckAndWhereTheBoxIs() throws Exception {
        ObjectNode report = CODEC.mapper().createObjectNode().put("passed", false).put("durationMs", 4210);
        report.putArray("failed").add("microphone mic-room: silent");
        report.putArray("checks").addObject().put("type", "microphone").put("id", "mic-room").put("state", "fault")
                .put("passed", false).put("error", "silent").put("levelDbfs", -82.5);
        box.silent = false;
        box.answer = request -> new SimulationApiTest.Answer(true, report, null);
        ControllerFixture.Response r = api.post("/api/v1/boxes/box-1/selftest", "");
        assertEquals(200, r.status(), r.text());
        assertEquals("box-1", r.body().path("boxId").asText());
        assertEquals("room-1", r.body().path("classroomId").asText());
        assertEquals("sch", r.body().path("schoolId").asText());
        assertEquals(false, r.body().path("passed").asBoolean(true));
        assertEquals(4210, r.body().path("durationMs").asInt());
        assertEquals(-82.5, r.body().path("checks").get(0).path("levelDbfs").asDouble());
        assertEquals("microphone mic-room: silent", r.body().path("failed").get(0).asText());
        assertTrue(r.body().has("askedAt") && r.body().has("answeredAt"), r.text());
        assertEquals("selftest", box.requests.get(box.requests.size() - 1).type());
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/audit?action=box.selftest").text()
                .contains("failed: [\\\"microphone mic-room: silent\\\"]"));
    }

    @Test
    void aBoxThatCannotRunItIs422() throws Exception {
        box.silent = false;
        box.answer = request -> new SimulationApiTest.Answer(false, null, "command failed: probe thread gone");
        ControllerFixture.Response r = api.post("/api/v1/boxes/box-1/selftest", "{}");
        assertEquals(422, r.status(), r.text());
        assertTrue(r.body().path("message").asText().contains("probe thread gone"), r.text());
    }

    @Test
    void aSilentBoxIs503AfterTheWait() throws Exception {
        box.silent = true;
        try {
            ControllerFixture.Response r = api.post("/api/v1/boxes/box-1/selftest", "");
            assertEquals(503, r.status(), r.text());
            assertEquals("unavailable", r.body().path("error").asText());
            assertTrue(r.body().path("message").asText().contains("within 2 s"), r.text());
        } finally {
            box.silent = false;
        }
    }

    @Test
    void unknownAndOfflineBoxesAreRefusedBeforeAnythingIsSent() throws Exception {
        assertEquals(404, api.post("/api/v1/boxes/box-nope/selftest", "").status());
        ControllerFixture.Response never = api.post("/api/v1/boxes/box-never/selftest", "");
        assertEquals(409, never.status(), never.text());
        assertTrue(never.body().path("message").asText().contains("never_seen"), never.text());
    }
}
