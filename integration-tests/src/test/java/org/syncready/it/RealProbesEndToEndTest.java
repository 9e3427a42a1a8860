package org.syncready.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.Agent;
import org.syncready.agent.config.AgentConfig;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.NetworkStatus;

/**
 * A real-probe agent against a real controller: the echo key both sides derive from the box secret,
 * the speed-test login, and a self-test that runs the network checks at once.
 */
class RealProbesEndToEndTest {
    @TempDir
    Path data;
    private Controller controller;
    private Agent agent;

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.stop();
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Test
    void selftestMeasuresEchoAndUplinkAgainstTheController() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().build());
        controller.registry().addSchool("s1", "一小", "School 1");
        controller.registry().addClassroom("c1", "s1", "教室", "Room");
        BoxRegistration reg = controller.registry().registerBox("box-real", "c1", "generic-recorder-a");
        AgentConfig.ControllerLink link = new AgentConfig.ControllerLink("http://127.0.0.1:" + controller.httpPort(),
                null, controller.echoPort(), 3600, 20, 10, 86_400, 256 * 1024);
        agent = Agent.start(AgentConfig.builder("box-real", controller.brokerUri(), reg.secret())
                .probeMode(AgentConfig.ProbeMode.REAL).statusIntervalS(2).probeIntervalS(1).dataDir(data.resolve("agent"))
                .controller(link).build(), code -> { });
        await().atMost(Duration.ofSeconds(20)).until(agent::connected);

        CommandResponse r = controller.commands().send("box-real", CommandTypes.SELFTEST, null, Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS);
        assertTrue(r.ok(), String.valueOf(r.error()));
        JsonNode net = null;
        for (JsonNode check : r.result().path("checks")) {
            if (check.path("type").asText().equals("network")) {
                net = check;
            }
        }
        assertNotNull(net, r.result().toString());
        assertEquals(0.0, net.path("lossPct").asDouble(-1), net.toString());
        assertTrue(net.path("uplinkKbps").asInt(0) > 0, net.toString());
        assertTrue(net.has("jitterMs"), net.toString());

        // The controller's view of the box carries the same figures.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NetworkStatus n = controller.fleet().snapshot("box-real").orElseThrow().status().network();
            assertEquals(0.0, n.lossPct());
            assertTrue(n.uplinkKbps() > 0);
        });
        assertTrue(controller.metrics().count("syncready.echo.packets", "outcome", "answered") >= 20);
        assertEquals(0.0, controller.metrics().count("syncready.echo.packets", "outcome", "bad_signature"));

        // Back-to-back self-tests (on demand after T-30): the controller postpones the speed tests within its
        // 30 s; each answer still has the figure, with the time it was measured, and no speed-test error.
        long firstMeasuredAt = net.path("uplinkMeasuredAt").asLong();
        for (int i = 0; i < 4; i++) {
            CommandResponse again = controller.commands().send("box-real", CommandTypes.SELFTEST, null, Duration.ofSeconds(20))
                    .get(25, TimeUnit.SECONDS);
            JsonNode n = null;
            for (JsonNode check : again.result().path("checks")) {
                if (check.path("type").asText().equals("network")) {
                    n = check;
                }
            }
            assertNotNull(n);
            assertEquals(net.path("uplinkKbps").asInt(), n.path("uplinkKbps").asInt(), "the figure is kept: " + n);
            assertEquals(firstMeasuredAt, n.path("uplinkMeasuredAt").asLong(), "with its own age");
            assertFalse(n.path("checkErrors").asText("").contains("speed test"), n.toString());
        }
        assertEquals(1.0, controller.metrics().count("syncready.speedtest.uploads", "outcome", "ok"));
        assertTrue(controller.metrics().count("syncready.speedtest.uploads", "outcome", "too_soon") >= 1,
                "asked once, then not again within the 30 s it was told to wait");
        assertEquals(0.0, controller.metrics().count("syncready.speedtest.uploads", "outcome", "failed"));
    }

    @Test
    void aBoxWithTheWrongSecretGetsNoEchoAndNoSpeedTest() throws Exception {
        controller = Controller.start(ControllerConfig.builder(data).freePorts().build());
        controller.registry().addSchool("s1", "一小", "School 1");
        controller.registry().addClassroom("c1", "s1", "教室", "Room");
        controller.registry().registerBox("box-x", "c1", "generic-recorder-a");
        org.syncready.agent.netcheck.NetworkChecks checks = new org.syncready.agent.netcheck.NetworkChecks("box-x", "not-the-secret",
                new AgentConfig.ControllerLink("http://127.0.0.1:" + controller.httpPort(), null, controller.echoPort(),
                        3600, 5, 10, 86_400, 65_536), null);
        try (org.syncready.agent.netcheck.QualityNetworkProbe probe = new org.syncready.agent.netcheck.QualityNetworkProbe(
                org.syncready.agent.probe.LinkNetworkProbe.ofHost("lo", java.util.List.of(), Duration.ofSeconds(1)), checks)) {
            assertTrue(probe.refresh(Duration.ofSeconds(20)));
            NetworkStatus n = probe.sample();
            assertEquals(100.0, n.lossPct());
            assertEquals(null, n.uplinkKbps());
            assertTrue(probe.checkErrors().contains("does not accept this box's credentials"), probe.checkErrors());
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                controller.metrics().count("syncready.echo.packets", "outcome", "bad_signature") == 5);
        assertFalse(controller.metrics().count("syncready.speedtest.uploads", "outcome", "unauthorized") == 0);
    }

}
