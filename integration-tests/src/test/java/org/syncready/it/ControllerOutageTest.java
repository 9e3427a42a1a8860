package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;

/**
 * Issue 11, "what it must show" 1: a real agent (simulated probes, status every second) and a
 * controller in its own process; the controller is stopped for 20 status periods and started again.
 * Afterwards the box's history holds every status the agent made during the outage, in order, with no
 * gap in seq, and the live view shows the newest one.
 */
class ControllerOutageTest {
    private static final String BOX = "box-outage";
    private static final int PERIOD_S = 1;
    private static final int OUTAGE_PERIODS = 20;

    @TempDir
    Path dir;
    private ControllerProcess controller;
    private Agent agent;
    private final long from = System.currentTimeMillis() - 60_000;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.stop();
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void everyStatusMadeWhileTheControllerWasDownIsInHistoryInOrderAndTheLiveViewShowsTheNewest() throws Exception {
        controller = new ControllerProcess(dir.resolve("controller")).start();
        String password = controller.registerBox(BOX);
        agent = Agent.start(AgentConfig.builder(BOX, controller.brokerUri(), password).statusIntervalS(PERIOD_S).probeIntervalS(1)
                .keepAliveS(5).dataDir(dir.resolve("agent")).build(), code -> { });
        await().atMost(Duration.ofSeconds(60)).until(() -> history().size() >= 3);

        long stoppedAt = System.currentTimeMillis();
        controller.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !agent.connected());
        await().pollDelay(Duration.ofSeconds(OUTAGE_PERIODS * PERIOD_S)).atMost(Duration.ofSeconds(OUTAGE_PERIODS * PERIOD_S + 5))
                .until(() -> true);
        long keptWhileDown = agent.outboxWaiting();
        controller.start();
        long restartedAt = System.currentTimeMillis();
        // The agent's backoff (1 s doubling, at most 60 s) decides when it comes back.
        await().atMost(Duration.ofSeconds(120)).until(() -> agent.connected() && agent.outboxWaiting() == 0
                && liveStatus().path("status").path("seq").asLong() > 0 && !liveStatus().path("status").path("historical").asBoolean());

        long replayedAt = System.currentTimeMillis();
        JsonNode box = liveStatus();
        long birthSeq = box.path("birth").path("seq").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() -> history().stream().anyMatch(s -> s.path("seq").asLong() > birthSeq));
        List<JsonNode> items = history();
        List<Long> seqs = items.stream().map(s -> s.path("seq").asLong()).toList();
        List<Long> historical = items.stream().filter(s -> s.path("status").path("historical").asBoolean())
                .map(s -> s.path("seq").asLong()).toList();

        // In order: history lists them as received, which is the order they were made.
        assertEquals(new ArrayList<>(new TreeSet<>(seqs)), seqs, "history in seq order without duplicates");
        // No gap: every seq of the boot is a status in history or one of its two births (start, reconnect).
        long max = seqs.get(seqs.size() - 1);
        TreeSet<Long> covered = new TreeSet<>(seqs);
        covered.add(1L);
        covered.add(birthSeq);
        for (long s = 1; s <= max; s++) {
            assertTrue(covered.contains(s), "seq " + s + " missing; history " + seqs + ", births 1 and " + birthSeq);
        }
        assertTrue(items.stream().allMatch(s -> s.path("bootId").asText().equals(agent.bootId())), "one boot");
        // Every status made while the controller was down is there, marked historical, all before the new birth.
        assertTrue(historical.size() >= OUTAGE_PERIODS, "statuses made while down: " + historical.size());
        assertTrue(historical.size() >= keptWhileDown, historical.size() + " historical, " + keptWhileDown + " kept at restart");
        assertTrue(historical.stream().allMatch(s -> s < birthSeq), "the replay came before the reconnect's birth");
        // The live view shows the newest status, a live one (the agent goes on reporting every second meanwhile).
        JsonNode live = liveStatus();
        long liveSeq = live.path("status").path("seq").asLong();
        assertTrue(liveSeq >= max, "live view " + liveSeq + " is at least the newest stored before it, " + max);
        await().atMost(Duration.ofSeconds(10)).until(() -> history().stream().anyMatch(s -> s.path("seq").asLong() == liveSeq));
        assertFalse(live.path("status").path("historical").asBoolean());
        assertEquals("online", live.path("presence").asText());

        System.out.printf("controller outage: SIGTERM to healthy again %.1f s (%d s stopped, then its start); %d statuses waiting "
                        + "in the agent's outbox when the controller was started again; %d statuses made while disconnected "
                        + "(historical, seq %d..%d) all in history; %d statuses of the boot in history, seq 1..%d without a gap "
                        + "(births at 1 and %d); agent reconnected and replayed within %.1f s of the controller being healthy%n",
                (restartedAt - stoppedAt) / 1000.0, OUTAGE_PERIODS * PERIOD_S, keptWhileDown, historical.size(), historical.get(0),
                historical.get(historical.size() - 1), seqs.size(), max, birthSeq, (replayedAt - restartedAt) / 1000.0);
    }

    private JsonNode liveStatus() throws Exception {
        return controller.getJson("/api/v1/boxes/" + BOX);
    }

    private List<JsonNode> history() throws Exception {
        JsonNode page = controller.getJson("/api/v1/boxes/" + BOX + "/history?from=" + from + "&limit=1000");
        List<JsonNode> out = new ArrayList<>();
        page.path("items").forEach(out::add);
        return out;
    }
}
