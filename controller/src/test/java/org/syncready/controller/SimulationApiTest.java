package org.syncready.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Topics;

/**
 * {@code POST /api/v1/boxes/{id}/simulate} on a real controller and broker, with a box that answers the
 * command over MQTT as an agent does (the real agent: integration-tests' SimulationEndToEndTest).
 */
class SimulationApiTest {
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    static Path data;
    @TempDir
    static Path otherData;
    static ControllerFixture allowed;
    static ControllerFixture production;
    static AnsweringBox box;
    static String passwordOfSilent;

    @BeforeAll
    static void start() throws Exception {
        allowed = new ControllerFixture(ControllerConfig.builder(data).freePorts().allowSimulation(true).build());
        production = new ControllerFixture(otherData);
        String password = allowed.registerBox("sch", "room-1", "box-sim");
        passwordOfSilent = allowed.registerBox("sch", "room-2", "box-never");
        production.registerBox("sch", "room-1", "box-sim");
        box = new AnsweringBox(allowed.controller.brokerUri(), "box-sim", password);
        await().atMost(Duration.ofSeconds(10)).until(() -> allowed.get("/api/v1/boxes/box-sim").body().path("presence").asText().equals("online"));
    }

    @AfterAll
    static void stop() throws Exception {
        box.close();
        allowed.close();
        production.close();
    }

    @Test
    void aControllerWithoutDemoOrFlagRefusesSaysHowToTurnItOnAndSendsNothing() throws Exception {
        ControllerFixture.Response r = production.post("/api/v1/boxes/box-sim/simulate", "{\"rttMs\": 250}");
        assertEquals(403, r.status(), r.text());
        assertEquals("forbidden", r.body().path("error").asText());
        assertTrue(r.body().path("message").asText().contains("--allow-simulation"), r.text());
        assertTrue(r.body().path("message").asText().contains("故障模拟"), r.text());
    }

    @Test
    void theBoxAnswerIsTheApiAnswerAndTheCommandCarriesTheBody() throws Exception {
        box.answer = request -> new Answer(true, CODEC.mapper().createObjectNode()
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("faults", request.args())
                .set("active", CODEC.mapper().createArrayNode().add("rtt 250.0 ms")), null);
        ControllerFixture.Response r = allowed.post("/api/v1/boxes/box-sim/simulate", "{\"rttMs\": 250, \"hangS\": 5}");
        assertEquals(200, r.status(), r.text());
        assertEquals("box-sim", r.body().path("boxId").asText());
        assertEquals(250, r.body().path("faults").path("rttMs").asInt());
        assertEquals("rtt 250.0 ms", r.body().path("active").get(0).asText());
        CommandRequest sent = box.requests.get(box.requests.size() - 1);
        assertEquals("simulate", sent.type());
        assertEquals("{\"rttMs\":250,\"hangS\":5}", sent.args().toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> allowed.get("/api/v1/audit").text().contains("box.simulate"));
    }

    @Test
    void aRefusalOfTheBoxIs422WithItsReason() throws Exception {
        box.answer = request -> new Answer(false, null,
                "this box runs real probes (probes.mode: real): faults can only be simulated on a box with probes.mode: simulated");
        ControllerFixture.Response r = allowed.post("/api/v1/boxes/box-sim/simulate", "{\"lossPct\": 10}");
        assertEquals(422, r.status(), r.text());
        assertEquals("unprocessable", r.body().path("error").asText());
        assertTrue(r.body().path("message").asText().contains("box-sim refused: this box runs real probes"), r.text());
    }

    @Test
    void badBodiesAreRefusedNamingEveryProblemBeforeAnythingIsSent() throws Exception {
        int sentBefore = box.requests.size();
        ControllerFixture.Response typo = allowed.post("/api/v1/boxes/box-sim/simulate", "{\"rtt\": 250, \"lossPct\": 120}");
        assertEquals(400, typo.status(), typo.text());
        JsonNode problems = typo.body().path("problems");
        assertEquals(2, problems.size(), typo.text());
        assertEquals("/rtt", problems.get(0).path("field").asText());
        assertTrue(problems.get(0).path("message").asText().startsWith("is not a fault; known: reset, cameras"), typo.text());
        assertEquals("/lossPct", problems.get(1).path("field").asText());

        assertEquals(400, allowed.post("/api/v1/boxes/box-sim/simulate", "not json").status());
        assertEquals(400, allowed.post("/api/v1/boxes/box-sim/simulate", "[1]").status());
        assertEquals(400, allowed.post("/api/v1/boxes/box-sim/simulate", "").status());
        ControllerFixture.Response device = allowed.post("/api/v1/boxes/box-sim/simulate", "{\"cameras\": {\"cam-1\": \"melted\"}}");
        assertEquals(400, device.status());
        assertTrue(device.text().contains("/cameras/cam-1"), device.text());
        assertEquals(sentBefore, box.requests.size(), "nothing reached the box");
    }

    @Test
    void aBodySentAsCurlDashDSendsItIsReadAsJsonToo() throws Exception {
        box.answer = request -> new Answer(true, CODEC.mapper().createObjectNode().set("faults", request.args()), null);
        // curl -d labels its body application/x-www-form-urlencoded.
        ControllerFixture.Response r = allowed.postBytes("/api/v1/boxes/box-sim/simulate", "application/x-www-form-urlencoded",
                "{\"diskFreeMb\": 49}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(200, r.status(), r.text());
        assertEquals(49, r.body().path("faults").path("diskFreeMb").asInt());
    }

    @Test
    void unknownAndOfflineBoxes() throws Exception {
        ControllerFixture.Response unknown = allowed.post("/api/v1/boxes/box-nope/simulate", "{}");
        assertEquals(404, unknown.status());
        ControllerFixture.Response never = allowed.post("/api/v1/boxes/box-never/simulate", "{}");
        assertEquals(409, never.status(), never.text());
        assertTrue(never.body().path("message").asText().contains("box-never is never_seen"), never.text());
    }

    record Answer(boolean ok, JsonNode result, String error) {
    }

    /** A box that is online and answers every command with what {@link #answer} says, recording the requests. */
    static final class AnsweringBox implements AutoCloseable {
        final List<CommandRequest> requests = new CopyOnWriteArrayList<>();
        volatile Function<CommandRequest, Answer> answer = r -> new Answer(true, null, null);
        /** The command type this box answers; others (such as a rebirth after hand-made seqs) it ignores. */
        volatile String answers = "simulate";
        /** Whether it answers at all (false: a box that went silent). */
        volatile boolean silent;
        private final String boxId;
        private final RawBox presence;
        private final ExecutorService replies = Executors.newSingleThreadExecutor();
        private long seq = 100;

        AnsweringBox(String brokerUri, String boxId, String password) throws Exception {
            this.boxId = boxId;
            presence = new RawBox(brokerUri, boxId, password);
            // Replies go out on another thread: Paho's callback thread must not wait for a publish.
            IMqttMessageListener listener = (topic, m) -> replies.execute(() -> reply(m));
            presence.client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.of(boxId, Channel.CMD_REQUEST), 1)},
                    new IMqttMessageListener[] {listener});
            // Its data makes the box online.
            presence.birth();
            presence.status(org.syncready.protocol.DeviceState.OK);
        }

        private void reply(MqttMessage m) {
            try {
                CommandRequest request = (CommandRequest) CODEC.decode(Topics.of(boxId, Channel.CMD_REQUEST), m.getPayload());
                if (!request.type().equals(answers) || silent) {
                    return; // a rebirth the controller asks for after our hand-made seqs: not this test's business
                }
                requests.add(request);
                Answer a = answer.apply(request);
                CommandResponse response = new CommandResponse(1, boxId, System.currentTimeMillis(), "boot-1", ++seq,
                        request.id(), a.ok(), a.result(), a.error());
                MqttProperties props = new MqttProperties();
                props.setCorrelationData(m.getProperties().getCorrelationData());
                MqttMessage out = new MqttMessage(CODEC.encode(response), 1, false, props);
                presence.client.publish(m.getProperties().getResponseTopic(), out);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            replies.shutdownNow();
            presence.close();
        }
    }
}
