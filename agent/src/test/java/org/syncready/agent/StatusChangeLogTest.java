package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.ConfigLoader;
import org.syncready.agent.probe.Snapshot;

/** The agent logs a condition once when it starts and once when it ends (with its duration), not every round. */
class StatusChangeLogTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Agent.class);

    @TempDir
    Path dir;

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    private static Snapshot.Significant status(List<String> unreachable, List<String> failing) {
        return new Snapshot.Significant(List.of("camera cam-1 OK"), "up", unreachable, null, failing);
    }

    @Test
    void oneLineWhenAConditionStartsOneWhenItEndsNoneInBetween() {
        StatusChangeLog changes = new StatusChangeLog();
        assertNull(changes.describe(status(List.of(), List.of()), 0), "a healthy first round says nothing");
        assertEquals("status changed: unreachable targets [controller]", changes.describe(status(List.of("controller"), List.of()), 2_000));
        for (long t = 4_000; t <= 120_000; t += 2_000) {
            assertNull(changes.describe(status(List.of("controller"), List.of()), t), "same condition at " + t);
        }
        assertEquals("status changed: unreachable targets [controller, stream-server]",
                changes.describe(status(List.of("controller", "stream-server"), List.of()), 122_000));
        assertEquals("status changed: reachable again: controller after 2 min 5 s",
                changes.describe(status(List.of("stream-server"), List.of()), 127_000));
        assertEquals("status changed: reachable again: stream-server after 8 s; failing probes [network]",
                changes.describe(status(List.of(), List.of("network")), 130_000));
        assertEquals("status changed: probes answering again: network after 1 h 0 min",
                changes.describe(status(List.of(), List.of()), 130_000 + 3_600_000));
    }

    @Test
    void whatIsAlreadyWrongAtStartIsLoggedOnce() {
        StatusChangeLog changes = new StatusChangeLog();
        assertEquals("status changed: unreachable targets [controller]", changes.describe(status(List.of("controller"), List.of()), 0));
        assertNull(changes.describe(status(List.of("controller"), List.of()), 2_000));
        Snapshot.Significant cameraDown = new Snapshot.Significant(List.of("camera cam-1 FAULT no video"), "up", List.of("controller"), null, List.of());
        assertEquals("status changed: camera cam-1 FAULT no video", changes.describe(cameraDown, 4_000));
    }

    @Test
    void durations() {
        assertEquals("0 s", StatusChangeLog.duration(999));
        assertEquals("59 s", StatusChangeLog.duration(59_999));
        assertEquals("1 min 0 s", StatusChangeLog.duration(60_000));
        assertEquals("2 h 1 min", StatusChangeLog.duration(7_260_000));
    }

    /**
     * A real agent whose controller is down (no broker, its target refusing connections) probing every
     * second: one "unreachable" line, not one a round; then one "reachable again" line with the duration.
     */
    @Test
    void anAgentWithItsControllerDownLogsTheOutageOnce() throws Exception {
        int targetPort;
        int brokerPort;
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            targetPort = a.getLocalPort();
            brokerPort = b.getLocalPort();
        }
        Path yaml = Files.writeString(dir.resolve("agent.yaml"), """
                boxId: box-log
                broker: {uri: "tcp://127.0.0.1:%d", password: secret}
                probeIntervalS: 1
                statusIntervalS: 60
                dataDir: data
                probes: {mode: real}
                network:
                  targets:
                    - {name: controller, host: 127.0.0.1, port: %d}
                microphones: {alsaRoot: no-asound}
                """.formatted(brokerPort, targetPort));
        Agent agent = Agent.start(ConfigLoader.load(yaml), code -> { });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines("unreachable targets [controller]") == 1);
            // Five more probe rounds with the controller still down: still one line.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> lines("unreachable targets") == 1);
            try (ServerSocket back = new ServerSocket(targetPort, 50, InetAddress.getLoopbackAddress())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> lines("reachable again: controller after ") == 1);
            }
            String ended = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("reachable again")).findFirst().orElseThrow();
            assertTrue(ended.matches("box-log: status changed: reachable again: controller after \\d+ s"), ended);
            assertEquals(1, lines("unreachable targets"), "no repeat while it lasted");
        } finally {
            agent.halt();
        }
    }

    private long lines(String text) {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).count();
    }
}
