package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/**
 * The real agent process ({@code AgentMain}) killed with SIGKILL while the broker is out of reach,
 * then started again: nothing it made is lost, and the older boot's reports go first.
 */
class AgentKillTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String BOX = "box-killed";

    @TempDir
    Path dir;
    private EmbeddedBroker broker;
    private TcpRelay relay;
    private TestSubscriber controller;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (controller != null) {
            controller.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void reportsMadeOfflineSurviveKillNine() throws Exception {
        broker = new EmbeddedBroker(dir.resolve("broker"));
        relay = new TcpRelay(broker.port, false);
        controller = new TestSubscriber(broker.uri(), "ctl-kill", Topics.boxTree(BOX));
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                boxId: %s
                broker:
                  uri: %s
                  password: secret
                statusIntervalS: 1
                probeIntervalS: 1
                dataDir: data
                probes:
                  mode: simulated
                """.formatted(BOX, relay.uri()));
        Path outbox = dir.resolve("data/outbox/" + BOX + ".db");

        Process first = agent(config, "first.log");
        await().atMost(WAIT).until(() -> waiting(outbox) >= 3);
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, first.exitValue(), "killed by SIGKILL");
        long keptByFirst = waiting(outbox);

        Process second = agent(config, "second.log");
        await().atMost(WAIT).until(() -> waiting(outbox) >= keptByFirst + 3);
        relay.open();
        await().atMost(WAIT).until(() -> controller.dataMessages(BOX).stream().map(AgentMessage::bootId).distinct().count() == 2
                && controller.dataMessages(BOX).stream().anyMatch(m -> m instanceof StatusMessage s && !s.historical()));

        List<AgentMessage> all = controller.dataMessages(BOX);
        String firstBoot = all.get(0).bootId();
        List<Long> firstSeqs = all.stream().filter(m -> m.bootId().equals(firstBoot)).map(AgentMessage::seq).toList();
        List<Long> secondSeqs = all.stream().filter(m -> !m.bootId().equals(firstBoot)).map(AgentMessage::seq).toList();
        assertTrue(firstSeqs.size() >= keptByFirst, "every report the killed agent had kept: " + firstSeqs);
        assertEquals(rising(firstSeqs.size()), firstSeqs, "no gap in the killed boot");
        assertEquals(rising(secondSeqs.size()), secondSeqs.subList(0, secondSeqs.size()), "no gap in the new boot");
        assertTrue(all.subList(0, firstSeqs.size()).stream().allMatch(m -> m.bootId().equals(firstBoot)), "the older boot first");
        second.destroy();
        assertTrue(second.waitFor(20, TimeUnit.SECONDS));
    }

    private static List<Long> rising(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }

    private Process agent(Path config, String log) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), "org.syncready.agent.AgentMain", "--config", config.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile())).start();
        processes.add(p);
        return p;
    }

    /** Rows in the outbox file, read as another process would (the agent may be writing). */
    private static long waiting(Path outbox) {
        if (!Files.exists(outbox)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outbox.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM message")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            return 0;
        }
    }
}
