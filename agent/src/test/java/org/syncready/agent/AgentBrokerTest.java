package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.command.CommandHandler;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.AgentConfigBuilder;
import org.syncready.agent.sim.SimulatedFaults;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/**
 * The agent against a real MQTT 5 broker (HiveMQ CE embedded on loopback), observed by a plain Paho
 * client the way the controller would observe it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentBrokerTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;

    private final List<Agent> agents = new ArrayList<>();
    private final List<TestSubscriber> subscribers = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedBroker(dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        agents.forEach(Agent::halt);
        for (TestSubscriber s : subscribers) {
            s.close();
        }
    }

    @Test
    @Order(1)
    void onlineStateBirthAndStatusAreRetainedWithRisingSeq() throws Exception {
        Agent agent = start("box-retained", b -> b.statusIntervalS(1));
        await().atMost(WAIT).until(agent::connected);
        // Once a first subscriber has seen the birth and statuses, a second one subscribing afterwards gets
        // first what the broker retained (the agent publishes its birth after its outbox replay, so right
        // after connecting the birth may still be on its way).
        TestSubscriber early = subscribe("ctl-early", Topics.boxTree("box-retained"));
        await().atMost(WAIT).until(() -> !early.on("box-retained", Channel.BIRTH).isEmpty()
                && !early.on("box-retained", Channel.STATUS).isEmpty());
        TestSubscriber controller = subscribe("ctl-retained", Topics.boxTree("box-retained"));
        await().atMost(WAIT).until(() -> controller.on("box-retained", Channel.STATUS).size() >= 3);

        TestSubscriber.Received stateRaw = controller.on("box-retained", Channel.STATE).get(0);
        StateMessage state = controller.messages("box-retained", Channel.STATE, StateMessage.class).get(0);
        assertTrue(stateRaw.retained());
        assertEquals(StateMessage.Presence.ONLINE, state.state());
        assertEquals(agent.bootId(), state.bootId());
        assertEquals(1, state.conn());

        TestSubscriber.Received birthRaw = controller.on("box-retained", Channel.BIRTH).get(0);
        BirthMessage birth = controller.messages("box-retained", Channel.BIRTH, BirthMessage.class).get(0);
        assertTrue(birthRaw.retained());
        assertEquals(agent.bootId(), birth.bootId());
        assertEquals("SR-SIM", birth.model());
        assertEquals(1, birth.statusIntervalS());
        assertTrue(birth.capabilities().get("camera").available());
        assertEquals("simulated", birth.capabilities().get("camera").detail());
        assertTrue(birth.devices().stream().anyMatch(d -> d.type().equals("camera") && d.id().equals("cam-teacher")));
        assertEquals(5, birth.devices().stream().filter(d -> d.type().equals("camera") || d.type().equals("microphone")).count());

        assertTrue(controller.on("box-retained", Channel.STATUS).get(0).retained());
        // A status published while the subscription is made can come twice (retained copy and live copy, same seq).
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<StatusMessage> statuses = controller.messages("box-retained", Channel.STATUS, StatusMessage.class).stream()
                .filter(m -> seen.add(m.seq())).toList();
        assertTrue(statuses.get(0).seq() > birth.seq(), "status after birth has a higher seq");
        for (int i = 1; i < statuses.size(); i++) {
            assertTrue(statuses.get(i).seq() > statuses.get(i - 1).seq(), "seq rises: " + statuses);
            assertEquals(agent.bootId(), statuses.get(i).bootId());
        }
        StatusMessage last = statuses.get(statuses.size() - 1);
        assertEquals(3, last.cameras().size());
        assertEquals(1920, last.cameras().get(0).width());
        assertEquals("up", last.network().link());
        assertTrue(last.stream().pushing());
        assertTrue(state.seq() <= birth.seq(), "state repeats the current seq without advancing it");
    }

    @Test
    @Order(2)
    void faultShowsUpAsNewStatusWithinTwoSeconds() throws Exception {
        // Long intervals: only the fault itself can cause the next status.
        Agent agent = start("box-fault", b -> b.statusIntervalS(600).probeIntervalS(600));
        TestSubscriber controller = subscribe("ctl-fault", Topics.boxTree("box-fault"));
        await().atMost(WAIT).until(() -> !controller.on("box-fault", Channel.STATUS).isEmpty());
        SimulatedFaults faults = agent.faults().orElseThrow();

        faults.cameraFault("cam-student", "no signal");
        await().atMost(Duration.ofSeconds(2)).until(() -> latestStatus(controller, "box-fault").cameras().stream()
                .anyMatch(c -> c.id().equals("cam-student") && c.state() == DeviceState.FAULT));
        CameraStatus cam = camera(latestStatus(controller, "box-fault"), "cam-student");
        assertEquals("no signal", cam.error());

        faults.microphoneSilent("mic-room");
        await().atMost(Duration.ofSeconds(2)).until(() -> latestStatus(controller, "box-fault").microphones().stream()
                .anyMatch(m -> m.id().equals("mic-room") && m.state() == DeviceState.FAULT));

        faults.networkDown();
        await().atMost(Duration.ofSeconds(2)).until(() -> latestStatus(controller, "box-fault").network().link().equals("down"));

        faults.clearAll();
        await().atMost(Duration.ofSeconds(2)).until(() -> {
            StatusMessage s = latestStatus(controller, "box-fault");
            return s.network().link().equals("up") && s.cameras().stream().allMatch(c -> c.state() == DeviceState.OK)
                    && s.microphones().stream().allMatch(m -> m.state() == DeviceState.OK);
        });
    }

    @Test
    @Order(3)
    void haltMakesTheBrokerPublishTheOfflineWill() throws Exception {
        Agent agent = start("box-halt", b -> { });
        TestSubscriber controller = subscribe("ctl-halt", Topics.of("box-halt", Channel.STATE));
        await().atMost(WAIT).until(() -> lastState(controller, "box-halt")
                .map(s -> s.state() == StateMessage.Presence.ONLINE).orElse(false));

        agent.halt();

        await().atMost(WAIT).until(() -> lastState(controller, "box-halt")
                .map(s -> s.state() == StateMessage.Presence.OFFLINE).orElse(false));
        StateMessage will = lastState(controller, "box-halt").orElseThrow();
        assertEquals(agent.bootId(), will.bootId());
        assertEquals(1, will.conn());
        assertFalse(agent.connected());
    }

    @Test
    @Order(4)
    void stopPublishesOfflineStateAndDisconnects() throws Exception {
        Agent agent = start("box-stop", b -> { });
        await().atMost(WAIT).until(agent::connected);
        agent.stop();
        // A late subscriber finds the offline state retained.
        TestSubscriber controller = subscribe("ctl-stop", Topics.of("box-stop", Channel.STATE));
        await().atMost(WAIT).until(() -> lastState(controller, "box-stop")
                .map(s -> s.state() == StateMessage.Presence.OFFLINE).orElse(false));
        assertEquals(agent.bootId(), lastState(controller, "box-stop").orElseThrow().bootId());
    }

    @Test
    @Order(5)
    void commandsAreAnsweredWithCorrelationData() throws Exception {
        String box = "box-cmd";
        Agent agent = start(box, b -> b.statusIntervalS(600));
        String replies = "test/replies/" + box;
        TestSubscriber controller = subscribe("ctl-cmd", Topics.boxTree(box), replies);
        await().atMost(WAIT).until(() -> !controller.on(box, Channel.STATUS).isEmpty());
        long firstBirthSeq = controller.messages(box, Channel.BIRTH, BirthMessage.class).get(0).seq();

        CommandResponse rebirth = command(controller, box, "c-rebirth", "rebirth", replies, "corr-1");
        assertTrue(rebirth.ok());
        // Not "the second birth received": a subscriber that joins while the first birth goes out can
        // get it twice (retained copy and live copy, same seq).
        await().atMost(WAIT).until(() -> controller.messages(box, Channel.BIRTH, BirthMessage.class).stream()
                .anyMatch(b -> b.seq() > firstBirthSeq));

        CommandResponse selftest = command(controller, box, "c-self-1", "selftest", replies, "corr-2");
        assertTrue(selftest.ok());
        assertTrue(selftest.result().get("passed").booleanValue(), selftest.result().toString());
        assertEquals(3, count(selftest.result().get("checks"), "camera"));
        assertEquals(2, count(selftest.result().get("checks"), "microphone"));

        agent.faults().orElseThrow().cameraAbsent("cam-blackboard");
        CommandResponse failing = command(controller, box, "c-self-2", "selftest", replies, "corr-3");
        assertTrue(failing.ok());
        assertFalse(failing.result().get("passed").booleanValue());
        assertTrue(failing.result().get("failed").toString().contains("camera cam-blackboard"), failing.result().toString());

        CommandResponse reprobe = command(controller, box, "c-reprobe", "reprobe", replies, "corr-4");
        assertTrue(reprobe.ok());
        assertEquals(3, reprobe.result().get("cameras").size());
        assertTrue(reprobe.result().get("seq").longValue() > firstBirthSeq);

        CommandResponse unknown = command(controller, box, "c-unknown", "dance", replies, "corr-5");
        assertFalse(unknown.ok());
        assertEquals("unknown command type 'dance'", unknown.error());
        assertNull(unknown.result());

        // Garbage is dropped without harm; the next request is still answered.
        controller.publish(Topics.of(box, Channel.CMD_REQUEST), "{not json".getBytes(StandardCharsets.UTF_8), new MqttProperties());
        // No response topic: the reply goes to the box's cmd/response, without correlation data.
        CommandResponse plain = command(controller, box, "c-plain", "selftest", null, null);
        assertTrue(plain.ok());
        assertTrue(agent.connected());

        List<CommandResponse> all = controller.messages(box, Channel.CMD_RESPONSE, CommandResponse.class);
        assertEquals(List.of("c-plain"), all.stream().map(CommandResponse::id).toList(),
                "replies with a response topic went there, not to cmd/response");
    }

    @Test
    @Order(5)
    void aSelftestProbesTheSessionsStreamServerUntilTheSessionEnds() throws Exception {
        String box = "box-session";
        start(box, b -> b.statusIntervalS(1));
        String replies = "test/replies/" + box;
        TestSubscriber controller = subscribe("ctl-session", Topics.boxTree(box), replies);
        await().atMost(WAIT).until(() -> !controller.on(box, Channel.STATUS).isEmpty());
        com.fasterxml.jackson.databind.node.ObjectNode args = CODEC.mapper().createObjectNode().put("targetsKeepS", 600);
        args.putArray("targets").addObject().put("name", "stream").put("host", "live.county.example").put("port", 1935);

        CommandResponse selftest = command(controller, box, "c-st-1", "selftest", replies, "corr-st", args);
        assertTrue(selftest.ok());
        String network = StreamSupport.stream(selftest.result().get("checks").spliterator(), false)
                .filter(c -> c.path("type").asText().equals("network")).findFirst().orElseThrow().toString();
        assertTrue(network.contains("\"host\":\"live.county.example\""), network);
        // And every status from then on carries it, beside the targets the box had (here: the broker).
        await().atMost(WAIT).until(() -> {
            List<StatusMessage> statuses = controller.messages(box, Channel.STATUS, StatusMessage.class);
            List<String> hosts = statuses.get(statuses.size() - 1).network().targets().stream().map(t -> t.host()).toList();
            return hosts.contains("live.county.example") && hosts.size() == 2;
        });

        // The stream server stops answering: the next self-test fails on it.
        CommandResponse unreachable = command(controller, box, "c-sim", "simulate", replies, "corr-sim",
                CODEC.mapper().readTree("{\"stream\":\"unreachable\"}"));
        assertTrue(unreachable.ok(), String.valueOf(unreachable.error()));
        CommandResponse failing = command(controller, box, "c-st-2", "selftest", replies, "corr-st2", args);
        assertFalse(failing.result().get("passed").booleanValue());
        assertTrue(failing.result().get("failed").toString().contains("stream"), failing.result().toString());
    }

    @Test
    @Order(6)
    void restartAgentRepliesThenCallsTheExitHook() throws Exception {
        String box = "box-restart";
        AtomicInteger exitCode = new AtomicInteger(-1);
        Agent agent = start(box, b -> { }, exitCode::set);
        TestSubscriber controller = subscribe("ctl-restart", Topics.boxTree(box));
        await().atMost(WAIT).until(() -> !controller.on(box, Channel.STATUS).isEmpty());

        CommandResponse reply = command(controller, box, "c-restart", "restart-agent", Topics.of(box, Channel.CMD_RESPONSE), "r");
        assertTrue(reply.ok());
        assertEquals(CommandHandler.RESTART_EXIT_CODE, reply.result().get("exitCode").intValue());
        await().atMost(WAIT).until(() -> exitCode.get() == CommandHandler.RESTART_EXIT_CODE);
        await().atMost(WAIT).until(() -> lastState(controller, box)
                .map(s -> s.state() == StateMessage.Presence.OFFLINE).orElse(false));
        assertFalse(agent.connected());
    }

    @Test
    @Order(7)
    void fleetRunsSeveralAgentsAndRestartsOneInPlace() throws Exception {
        List<AgentConfig> configs = new ArrayList<>();
        for (String box : List.of("fleet-a", "fleet-b", "fleet-c")) {
            configs.add(AgentConfig.builder(box, broker.uri(), "secret").dataDir(dir).build());
        }
        SimulatedFleet fleet = SimulatedFleet.start(configs);
        try {
            await().atMost(WAIT).until(() -> fleet.agents().stream().allMatch(Agent::connected));
            assertEquals(List.of("fleet-a", "fleet-b", "fleet-c"), fleet.agents().stream().map(Agent::boxId).toList());
            String firstBoot = fleet.agent("fleet-b").orElseThrow().bootId();
            TestSubscriber controller = subscribe("ctl-fleet", Topics.boxTree("fleet-b"));
            CommandResponse reply = command(controller, "fleet-b", "c-fleet", "restart-agent", null, null);
            assertTrue(reply.ok());
            await().atMost(WAIT).until(() -> !fleet.agent("fleet-b").orElseThrow().bootId().equals(firstBoot)
                    && fleet.agent("fleet-b").orElseThrow().connected());
            await().atMost(WAIT).until(() -> lastState(controller, "fleet-b")
                    .map(s -> s.state() == StateMessage.Presence.ONLINE && !s.bootId().equals(firstBoot)).orElse(false));
        } finally {
            fleet.stop();
        }
    }

    @Test
    @Order(8)
    void reconnectsAfterTheBrokerRestarts() throws Exception {
        String box = "box-reconnect";
        Agent agent = start(box, b -> { });
        await().atMost(WAIT).until(agent::connected);

        broker.stop();
        await().atMost(WAIT).until(() -> !agent.connected());
        broker.start();
        // Backoff starts at 1 s and doubles (±30 %); the broker was away for a few seconds.
        await().atMost(Duration.ofSeconds(40)).until(agent::connected);

        TestSubscriber controller = subscribe("ctl-reconnect", Topics.boxTree(box));
        await().atMost(WAIT).until(() -> lastState(controller, box).isPresent()
                && !controller.on(box, Channel.BIRTH).isEmpty() && !controller.on(box, Channel.STATUS).isEmpty());
        StateMessage state = lastState(controller, box).orElseThrow();
        assertEquals(StateMessage.Presence.ONLINE, state.state());
        assertEquals(agent.bootId(), state.bootId());
        assertTrue(state.conn() >= 2, "a new connection number: " + state.conn());
        BirthMessage birth = controller.messages(box, Channel.BIRTH, BirthMessage.class).get(0);
        assertTrue(birth.seq() > 1, "birth re-sent with a later seq of the same boot");
    }

    // ---- helpers ----

    private Agent start(String boxId, Consumer<AgentConfigBuilder> tweak) {
        return start(boxId, tweak, code -> {
            throw new AssertionError("unexpected exit " + code);
        });
    }

    private Agent start(String boxId, Consumer<AgentConfigBuilder> tweak, IntConsumer exitHook) {
        AgentConfigBuilder b = AgentConfig.builder(boxId, broker.uri(), "secret").dataDir(dir)
                .target("broker", "127.0.0.1", broker.port);
        tweak.accept(b);
        Agent agent = Agent.start(b.build(), exitHook);
        agents.add(agent);
        return agent;
    }

    private TestSubscriber subscribe(String clientId, String... filters) throws Exception {
        TestSubscriber s = new TestSubscriber(broker.uri(), clientId, filters);
        subscribers.add(s);
        return s;
    }

    private static StatusMessage latestStatus(TestSubscriber s, String boxId) {
        List<StatusMessage> all = s.messages(boxId, Channel.STATUS, StatusMessage.class);
        return all.get(all.size() - 1);
    }

    private static Optional<StateMessage> lastState(TestSubscriber s, String boxId) {
        List<StateMessage> all = s.messages(boxId, Channel.STATE, StateMessage.class);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private static CameraStatus camera(StatusMessage s, String id) {
        return s.cameras().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static long count(JsonNode checks, String type) {
        int n = 0;
        for (JsonNode c : checks) {
            if (c.get("type").asText().equals(type)) {
                n++;
            }
        }
        return n;
    }

    /** Sends a request as the controller would and waits for the matching reply. */
    private static CommandResponse command(TestSubscriber s, String boxId, String id, String type,
                                           String responseTopic, String correlation) throws Exception {
        return command(s, boxId, id, type, responseTopic, correlation, null);
    }

    private static CommandResponse command(TestSubscriber s, String boxId, String id, String type,
                                           String responseTopic, String correlation,
                                           com.fasterxml.jackson.databind.JsonNode args) throws Exception {
        CommandRequest request = new CommandRequest(Protocol.VERSION, boxId, System.currentTimeMillis(), id, type, args);
        MqttProperties props = new MqttProperties();
        if (responseTopic != null) {
            props.setResponseTopic(responseTopic);
        }
        byte[] corr = correlation == null ? null : correlation.getBytes(StandardCharsets.UTF_8);
        if (corr != null) {
            props.setCorrelationData(corr);
        }
        s.publish(Topics.of(boxId, Channel.CMD_REQUEST), CODEC.encode(request), props);
        String topic = responseTopic != null ? responseTopic : Topics.of(boxId, Channel.CMD_RESPONSE);
        TestSubscriber.Received raw = await().atMost(WAIT).until(
                () -> s.on(topic).stream().filter(r -> r.text().contains("\"id\":\"" + id + "\"")).findFirst(),
                Optional::isPresent).orElseThrow();
        if (corr != null) {
            assertArrayEquals(corr, raw.properties().getCorrelationData(), "correlation data echoed");
        } else {
            assertTrue(raw.properties() == null || raw.properties().getCorrelationData() == null);
        }
        CommandResponse response = CODEC.decode(CommandResponse.class, raw.payload());
        assertEquals(boxId, response.boxId());
        return response;
    }
}
