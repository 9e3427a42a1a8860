package org.syncready.agent.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.LinkNetworkProbe;
import org.syncready.protocol.NetworkStatus;

/** "Too soon" from the controller is a postponement: the last figure stays, with the time it was measured. */
class UplinkPostponementTest {
    @Test
    void aPostponedTestKeepsTheFigureAndItsAgeAndWaitsAsAsked() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            AgentConfig.ControllerLink link = new AgentConfig.ControllerLink(sink.url(), "127.0.0.1", 9, 60, 5, 5, 600, 256 * 1024);
            NetworkChecks checks = new NetworkChecks("box-1", "pw", link, null);
            try (QualityNetworkProbe probe = new QualityNetworkProbe(
                    LinkNetworkProbe.ofHost("lo", List.of(), Duration.ofSeconds(1)), checks)) {
                checks.runUplink();
                NetworkStatus first = probe.sample();
                assertNotNull(first.uplinkKbps());
                long measuredAt = first.uplinkMeasuredAt();
                assertTrue(Math.abs(System.currentTimeMillis() - measuredAt) < 5_000, "measured just now: " + measuredAt);
                assertEquals(1, sink.requests.get());

                // A self-test right after: the controller says "too soon, come back in 30 s".
                sink.tooSoonRetryAfterS = 30;
                Thread.sleep(20);
                checks.runUplink();
                assertEquals(2, sink.requests.get());
                NetworkStatus postponed = probe.sample();
                assertEquals(first.uplinkKbps(), postponed.uplinkKbps(), "the figure is kept");
                assertEquals(measuredAt, postponed.uplinkMeasuredAt(), "with its own age, not passed off as new");
                assertNull(probe.checkErrors(), "a postponement is not a failure");

                // Within the 30 s the controller asked for, the box does not even ask.
                checks.runUplink();
                assertEquals(2, sink.requests.get());
                assertEquals(measuredAt, probe.sample().uplinkMeasuredAt());
            }
        }
    }

    @Test
    void aPostponementBeforeAnyFigureLeavesItUnknownNotFailed() throws Exception {
        try (TestSpeedtestSink sink = new TestSpeedtestSink("box-1", "pw")) {
            sink.tooSoonRetryAfterS = 5;
            AgentConfig.ControllerLink link = new AgentConfig.ControllerLink(sink.url(), "127.0.0.1", 9, 60, 5, 5, 600, 64 * 1024);
            NetworkChecks checks = new NetworkChecks("box-1", "pw", link, null);
            try (QualityNetworkProbe probe = new QualityNetworkProbe(
                    LinkNetworkProbe.ofHost("lo", List.of(), Duration.ofSeconds(1)), checks)) {
                checks.runUplink();
                NetworkStatus s = probe.sample();
                assertNull(s.uplinkKbps());
                assertNull(s.uplinkMeasuredAt());
                assertNull(probe.checkErrors());
            }
        }
    }
}
