package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.outbox.Outbox;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/**
 * The outbox end to end against a real broker: the agent is cut off by a relay while a subscriber
 * (standing in for the controller) stays on the broker and sees everything in arrival order.
 */
class AgentOutboxTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path brokerDir;
    static EmbeddedBroker broker;
    @TempDir
    Path dir;
    private final List<Agent> agents = new ArrayList<>();
    private TcpRelay relay;
    private TestSubscriber controller;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedBroker(brokerDir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        agents.forEach(Agent::halt);
        if (relay != null) {
            relay.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    private Agent start(String box) {
        Agent agent = Agent.start(AgentConfig.builder(box, relay.uri(), "secret").dataDir(dir).statusIntervalS(1)
                .probeIntervalS(1).target("broker", "127.0.0.1", broker.port).build(), code -> { });
        agents.add(agent);
        return agent;
    }

    private static List<StatusMessage> statuses(List<AgentMessage> all) {
        return all.stream().filter(StatusMessage.class::isInstance).map(StatusMessage.class::cast).toList();
    }

    /** Every data message of a boot, in order, with seq 1, 2, 3... */
    private static void assertNoGap(List<AgentMessage> all, String bootId) {
        List<Long> seqs = all.stream().filter(m -> m.bootId().equals(bootId)).map(AgentMessage::seq).toList();
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "seq of boot " + bootId + " in arrival order: " + seqs);
        }
    }

    @Test
    void statusesMadeWhileCutOffArriveAfterwardsInOrderMarkedHistoricalThenBirthAndALiveStatus() throws Exception {
        String box = "box-outage";
        relay = new TcpRelay(broker.port, false);
        controller = new TestSubscriber(broker.uri(), "ctl-outage", Topics.boxTree(box));
        Agent agent = start(box);
        await().atMost(WAIT).until(() -> agent.outboxWaiting() >= 5);
        assertFalse(agent.connected());
        long madeOffline = agent.outboxWaiting();
        long reconnectedAt = System.currentTimeMillis();
        relay.open();

        await().atMost(WAIT).until(() -> controller.dataMessages(box).stream().anyMatch(BirthMessage.class::isInstance)
                && statuses(controller.dataMessages(box)).stream().anyMatch(s -> !s.historical()));
        List<AgentMessage> all = controller.dataMessages(box);
        assertNoGap(all, agent.bootId());
        List<StatusMessage> statuses = statuses(all);
        int firstLive = 0;
        while (statuses.get(firstLive).historical()) {
            firstLive++;
        }
        assertTrue(firstLive >= madeOffline, firstLive + " historical statuses, " + madeOffline + " made offline");
        for (int i = 0; i < firstLive; i++) {
            StatusMessage s = statuses.get(i);
            if (i < madeOffline) {
                assertTrue(s.ts() < reconnectedAt, "made while cut off, sent with the ts it was made with");
            }
            if (i > 0) {
                assertTrue(s.ts() >= statuses.get(i - 1).ts() + 500, "made about a period apart: " + statuses);
            }
        }
        // History is never retained: the broker's retained status stays the newest.
        List<TestSubscriber.Received> raw = controller.on(box, Channel.STATUS);
        assertTrue(raw.stream().filter(r -> r.text().contains("\"historical\":true")).noneMatch(TestSubscriber.Received::retained));
        int birthAt = all.indexOf(all.stream().filter(BirthMessage.class::isInstance).findFirst().orElseThrow());
        assertTrue(all.subList(0, birthAt).stream().allMatch(m -> m instanceof StatusMessage s && s.historical()),
                "the replay comes before the birth: " + all);
        assertEquals(0L, ((BirthMessage) all.get(birthAt)).outboxDropped());
        await().atMost(WAIT).until(() -> agent.outboxWaiting() == 0);

        TestSubscriber late = new TestSubscriber(broker.uri(), "ctl-late", Topics.of(box, Channel.STATUS));
        try {
            await().atMost(WAIT).until(() -> !late.on(box, Channel.STATUS).isEmpty());
            StatusMessage retained = late.messages(box, Channel.STATUS, StatusMessage.class).get(0);
            assertFalse(retained.historical(), "the retained status is a live one");
        } finally {
            late.close();
        }
    }

    @Test
    void whatAnAgentMadeBeforeAPowerCutIsSentByTheNextStartBeforeItsOwn() throws Exception {
        String box = "box-powercut";
        relay = new TcpRelay(broker.port, false);
        controller = new TestSubscriber(broker.uri(), "ctl-powercut", Topics.boxTree(box));
        Agent first = start(box);
        await().atMost(WAIT).until(() -> first.outboxWaiting() >= 3);
        first.halt();
        Agent second = start(box);
        await().atMost(WAIT).until(() -> second.outboxWaiting() >= first.outboxWaiting() + 2);
        relay.open();

        await().atMost(WAIT).until(() -> controller.dataMessages(box).stream()
                .anyMatch(m -> m instanceof StatusMessage s && !s.historical() && s.bootId().equals(second.bootId())));
        List<AgentMessage> all = controller.dataMessages(box);
        assertNoGap(all, first.bootId());
        assertNoGap(all, second.bootId());
        long firstBoot = all.stream().filter(m -> m.bootId().equals(first.bootId())).count();
        assertTrue(firstBoot >= 3, all.toString());
        int lastOfFirst = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).bootId().equals(first.bootId())) {
                lastOfFirst = i;
            }
        }
        assertTrue(all.subList(0, lastOfFirst + 1).stream().allMatch(m -> m.bootId().equals(first.bootId())),
                "the older boot's reports come first: " + all);
    }

    @Test
    void theBirthSaysHowManyReportsTheFullOutboxDropped() throws Exception {
        String box = "box-full";
        relay = new TcpRelay(broker.port, true);
        // An outbox left full by an earlier run with a 1 MB limit: 1,100 reports of 1 KB, the oldest dropped.
        Outbox.Limits oneMb = new Outbox.Limits(1024 * 1024, Duration.ofDays(7));
        long dropped;
        try (Outbox outbox = Outbox.open(dir.resolve("outbox").resolve(box + ".db"), oneMb, Clock.systemUTC())) {
            for (long seq = 1; seq <= 1100; seq++) {
                outbox.append(Topics.of(box, Channel.CMD_RESPONSE), false, new byte[1024], null, "old-boot", seq);
            }
            dropped = outbox.dropped();
        }
        assertTrue(dropped >= 76, "dropped " + dropped);
        controller = new TestSubscriber(broker.uri(), "ctl-full", Topics.of(box, Channel.BIRTH));
        Agent agent = Agent.start(AgentConfig.builder(box, relay.uri(), "secret").dataDir(dir).statusIntervalS(1)
                .probeIntervalS(1).outbox(new AgentConfig.Outbox(1, 168)).build(), code -> { });
        agents.add(agent);
        await().atMost(WAIT).until(() -> !controller.on(box, Channel.BIRTH).isEmpty());
        assertEquals(dropped, controller.messages(box, Channel.BIRTH, BirthMessage.class).get(0).outboxDropped());
    }
}
