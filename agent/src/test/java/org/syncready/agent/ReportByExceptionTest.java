package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.AgentConfigBuilder;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/** Report by exception over a real MQTT 5 broker: a status on a change, otherwise at the heartbeat only. */
class ReportByExceptionTest {
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
    void aQuietBoxPublishesAtItsHeartbeatNotEveryRoundAndSaysSoInItsBirth() throws Exception {
        String box = "box-quiet";
        TestSubscriber controller = subscribe("ctl-quiet", Topics.boxTree(box));
        start(box, b -> b.heartbeatS(3).probeIntervalS(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> controller.on(box, Channel.STATUS).size() >= 4);
        BirthMessage birth = controller.messages(box, Channel.BIRTH, BirthMessage.class).get(0);
        assertEquals(3, birth.heartbeatS());
        assertEquals(3, birth.statusIntervalS());
        List<StatusMessage> statuses = controller.messages(box, Channel.STATUS, StatusMessage.class);
        assertTrue(statuses.stream().allMatch(s -> s.intervalS() == 3));
        // Probe rounds every second, healthy numbers wandering: only the heartbeat speaks, 3 s apart.
        for (int i = 1; i < statuses.size(); i++) {
            long gap = statuses.get(i).ts() - statuses.get(i - 1).ts();
            assertTrue(gap >= 2_900 && gap <= 4_500, "status " + i + " came " + gap + " ms after the one before");
        }
    }

    @Test
    void aDeviceChangePublishesAtOnceAndNothingFollowsUntilTheHeartbeat() throws Exception {
        String box = "box-change";
        TestSubscriber controller = subscribe("ctl-change", Topics.boxTree(box));
        Agent agent = start(box, b -> b.heartbeatS(600).probeIntervalS(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.on(box, Channel.STATUS).size() == 1);
        // Rounds go on every second; none of them publishes.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> controller.on(box, Channel.STATUS).size() == 1);

        agent.faults().orElseThrow().microphoneMuted("mic-teacher");
        await().atMost(Duration.ofSeconds(3)).until(() -> controller.on(box, Channel.STATUS).size() == 2);
        StatusMessage muted = controller.messages(box, Channel.STATUS, StatusMessage.class).get(1);
        assertTrue(muted.microphones().stream().anyMatch(m -> m.id().equals("mic-teacher") && m.muted()
                && m.state() == DeviceState.DEGRADED), muted.microphones().toString());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> controller.on(box, Channel.STATUS).size() == 2);
    }

    @Test
    void aNumberPastItsRelativeRulePublishesAtOnceASmallerOneWaits() throws Exception {
        String box = "box-rtt";
        TestSubscriber controller = subscribe("ctl-rtt", Topics.boxTree(box));
        Agent agent = start(box, b -> b.heartbeatS(600).probeIntervalS(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.on(box, Channel.STATUS).size() == 1);
        double before = controller.messages(box, Channel.STATUS, StatusMessage.class).get(0).network().rttMs();

        // Healthy RTT is 12–40 ms; 60 ms is under the 50 ms floor from most of it and under the 150 ms limit.
        simulate(agent, "{\"rttMs\": " + Math.min(before + 45, 80) + "}");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> controller.on(box, Channel.STATUS).size() == 1);

        simulate(agent, "{\"rttMs\": 180}");
        await().atMost(Duration.ofSeconds(3)).until(() -> controller.on(box, Channel.STATUS).size() == 2);
        assertEquals(180.0, controller.messages(box, Channel.STATUS, StatusMessage.class).get(1).network().rttMs());
    }

    @Test
    void aSimulatedFleetPublishesItsShareOfChangesPerMinute() throws Exception {
        TestSubscriber controller = subscribe("ctl-fleet", "syncready/v1/box/+/status");
        List<AgentConfig> configs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            configs.add(AgentConfig.builder("fleet-" + i, broker.uri(), "secret").dataDir(dir.resolve("fleet-" + i))
                    .target("broker", "127.0.0.1", broker.port).heartbeatS(600).probeIntervalS(600).build());
        }
        SimulatedFleet fleet = SimulatedFleet.start(configs);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> fleetStatuses(controller) >= 10);
            // Nothing changes and the heartbeat is 10 min away: quiet.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> fleetStatuses(controller) == 10);
            // All 10 agents once a minute on average: one every 6 s.
            fleet.startChanges(1.0);
            await().atMost(Duration.ofSeconds(30)).until(() -> fleetStatuses(controller) >= 12);
        } finally {
            fleet.stop();
        }
    }

    private static int fleetStatuses(TestSubscriber s) {
        int n = 0;
        for (int i = 0; i < 10; i++) {
            n += s.on("fleet-" + i, Channel.STATUS).size();
        }
        return n;
    }

    private static void simulate(Agent agent, String json) throws Exception {
        agent.faults().orElseThrow().apply(org.syncready.protocol.FaultChange.parse(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)));
    }

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
}
