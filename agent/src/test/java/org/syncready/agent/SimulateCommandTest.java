package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.AgentConfigBuilder;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/** The {@code simulate} command over a real MQTT 5 broker, as the controller sends it. */
class SimulateCommandTest {
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
    void theCommandChangesTheNextStatusAndAnswersTheFaultsInForce() throws Exception {
        String box = "box-sim";
        // Long intervals: only the command itself can make the next status.
        start(box, b -> b.statusIntervalS(600).probeIntervalS(600));
        TestSubscriber controller = subscribe("ctl-sim", Topics.boxTree(box));
        await().atMost(WAIT).until(() -> !controller.on(box, Channel.STATUS).isEmpty());
        long before = latestStatus(controller, box).seq();

        CommandResponse answer = command(controller, box, "s-1",
                "{\"cameras\": {\"cam-teacher\": \"frozen\"}, \"uplinkKbps\": 200, \"jitterMs\": 45, \"diskFreeMb\": 49, \"stream\": \"stopped\"}");
        assertTrue(answer.ok(), answer.toString());
        assertEquals("{\"cameras\":{\"cam-teacher\":\"frozen\"},\"uplinkKbps\":200,\"jitterMs\":45.0,\"diskFreeMb\":49,\"stream\":\"stopped\"}",
                answer.result().get("faults").toString());
        // The status the faults lead to was published before the answer.
        StatusMessage after = latestStatus(controller, box);
        assertTrue(after.seq() > before && after.seq() < answer.seq(), "status " + after.seq() + " before answer " + answer.seq());
        CameraStatus teacher = after.cameras().stream().filter(c -> c.id().equals("cam-teacher")).findFirst().orElseThrow();
        assertEquals(DeviceState.FAULT, teacher.state());
        assertEquals(Boolean.TRUE, teacher.frozen());
        assertEquals(200, after.network().uplinkKbps());
        assertEquals(45.0, after.network().jitterMs());
        assertTrue(after.network().rttMs() < 50, "RTT untouched: " + after.network().rttMs());
        assertEquals(49L, after.system().diskFreeMb());
        assertFalse(after.stream().pushing());

        CommandResponse cleared = command(controller, box, "s-2", "{\"reset\": true}");
        assertEquals("{}", cleared.result().get("faults").toString());
        StatusMessage healthy = latestStatus(controller, box);
        assertTrue(healthy.network().uplinkKbps() > 15_000);
        assertTrue(healthy.cameras().stream().allMatch(c -> c.state() == DeviceState.OK));
    }

    @Test
    void aClockOffsetSkewsEveryTimestampTheBoxSends() throws Exception {
        String box = "box-clock";
        start(box, b -> b.statusIntervalS(1));
        TestSubscriber controller = subscribe("ctl-clock", Topics.boxTree(box));
        await().atMost(WAIT).until(() -> !controller.on(box, Channel.STATUS).isEmpty());

        CommandResponse answer = command(controller, box, "c-1", "{\"clockOffsetMs\": 600000}");
        assertTrue(answer.ok());
        long skew = answer.ts() - System.currentTimeMillis();
        assertTrue(skew > 590_000 && skew < 610_000, "the answer's ts is 10 min ahead: " + skew);
        StatusMessage status = latestStatus(controller, box);
        assertTrue(status.ts() - System.currentTimeMillis() > 590_000, "so is the status's");
        assertTrue(Math.abs(status.network().ntpOffsetMs() - 600_000) < 100, "and NTP says so: " + status.network().ntpOffsetMs());
    }

    @Test
    void badArgsAndUnknownDevicesAreRefusedAndChangeNothing() throws Exception {
        String box = "box-refuse";
        Agent agent = start(box, b -> { });
        TestSubscriber controller = subscribe("ctl-refuse", Topics.boxTree(box));
        await().atMost(WAIT).until(agent::connected);

        CommandResponse typo = command(controller, box, "r-1", "{\"rtt\": 250}");
        assertFalse(typo.ok());
        assertTrue(typo.error().contains("/rtt: is not a fault"), typo.error());
        CommandResponse device = command(controller, box, "r-2", "{\"cameras\": {\"cam-wide\": \"absent\"}}");
        assertFalse(device.ok());
        assertTrue(device.error().contains("this box has no camera 'cam-wide'; it has [cam-blackboard, cam-student, cam-teacher]"),
                device.error());
        assertEquals(FaultSet.NONE, agent.faults().orElseThrow().current());
    }

    @Test
    void aBoxWithRealProbesRefuses() throws Exception {
        String box = "box-real";
        Agent agent = start(box, b -> b.probeMode(AgentConfig.ProbeMode.REAL));
        TestSubscriber controller = subscribe("ctl-real", Topics.boxTree(box));
        await().atMost(WAIT).until(agent::connected);
        CommandResponse r = command(controller, box, "x-1", "{\"rttMs\": 250}");
        assertFalse(r.ok());
        assertTrue(r.error().startsWith("this box runs real probes"), r.error());
        assertTrue(agent.faults().isEmpty());
    }

    @Test
    void aHungBoxGoesSilentKeepsItsConnectionUntilTheKeepAliveExpiresThenComesBack() throws Exception {
        String box = "box-hang";
        Agent agent = start(box, b -> b.keepAliveS(5).statusIntervalS(1));
        TestSubscriber controller = subscribe("ctl-hang", Topics.boxTree(box));
        await().atMost(WAIT).until(() -> controller.on(box, Channel.STATUS).size() >= 2);
        String boot = agent.bootId();

        CommandResponse answer = command(controller, box, "h-1", "{\"hangS\": 14}");
        assertTrue(answer.ok());
        assertEquals(14, answer.result().get("hangS").intValue());
        long hungAt = System.nanoTime();
        int statusesAtHang = controller.on(box, Channel.STATUS).size();

        // Silence, but no Will yet: the TCP connection is still open, as with a stopped process.
        Thread.sleep(4_000);
        assertTrue(controller.on(box, Channel.STATUS).size() <= statusesAtHang + 1, "no status while hung");
        assertEquals(StateMessage.Presence.ONLINE, lastState(controller, box).orElseThrow().state());

        // The broker gives up 1.5 keep-alives after the last packet: offline, by the box's Will.
        await().atMost(Duration.ofSeconds(8)).until(() -> lastState(controller, box)
                .map(s -> s.state() == StateMessage.Presence.OFFLINE).orElse(false));
        long offlineAfterMs = (System.nanoTime() - hungAt) / 1_000_000;
        assertTrue(offlineAfterMs >= 5_000 && offlineAfterMs < 12_000, "Will after " + offlineAfterMs + " ms");
        assertEquals(boot, lastState(controller, box).orElseThrow().bootId());

        // The hang ends: the same boot reconnects and reports again.
        await().atMost(Duration.ofSeconds(25)).until(() -> lastState(controller, box)
                .map(s -> s.state() == StateMessage.Presence.ONLINE && s.conn() == 2).orElse(false));
        assertEquals(boot, agent.bootId());
        int statusesBack = controller.on(box, Channel.STATUS).size();
        await().atMost(WAIT).until(() -> controller.on(box, Channel.STATUS).size() > statusesBack + 1);
    }

    // ---- helpers ----

    private Agent start(String boxId, Consumer<AgentConfigBuilder> tweak) {
        AgentConfigBuilder b = AgentConfig.builder(boxId, broker.uri(), "secret").dataDir(dir)
                .target("broker", "127.0.0.1", broker.port);
        tweak.accept(b);
        Agent agent = Agent.start(b.build(), code -> {
            throw new AssertionError("unexpected exit " + code);
        });
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

    /** Sends {@code simulate} with these args as the controller does and waits for the answer. */
    private static CommandResponse command(TestSubscriber s, String boxId, String id, String args) throws Exception {
        CommandRequest request = new CommandRequest(Protocol.VERSION, boxId, System.currentTimeMillis(), id, "simulate",
                CODEC.mapper().readTree(args));
        MqttProperties props = new MqttProperties();
        props.setResponseTopic(Topics.of(boxId, Channel.CMD_RESPONSE));
        props.setCorrelationData(id.getBytes(StandardCharsets.UTF_8));
        s.publish(Topics.of(boxId, Channel.CMD_REQUEST), CODEC.encode(request), props);
        TestSubscriber.Received raw = await().atMost(WAIT).until(() -> s.on(boxId, Channel.CMD_RESPONSE).stream()
                .filter(r -> r.text().contains("\"id\":\"" + id + "\"")).findFirst(), Optional::isPresent).orElseThrow();
        return CODEC.decode(CommandResponse.class, raw.payload());
    }
}
