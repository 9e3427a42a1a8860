package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.netcheck.TestSpeedtestSink;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.Topics;

/** A self-test waits for a speed test that takes longer than the 5 s it used to wait, and answers in time. */
class SelftestSpeedTestTest {
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;

    @Test
    void theSelftestReportsAFreshUplinkFigureFromASlowUplink() throws Exception {
        int deadEchoPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            deadEchoPort = s.getLocalPort();
        }
        try (EmbeddedBroker broker = new EmbeddedBroker(dir.resolve("broker"));
             TestSpeedtestSink sink = new TestSpeedtestSink("box-slow", "secret")) {
            // 256 KiB at 48 KB/s: about 5.5 s of upload, after about 1 s of echo burst.
            sink.readBytesPerSecond = 48_000;
            AgentConfig config = AgentConfig.builder("box-slow", broker.uri(), "secret").dataDir(dir)
                    .probeMode(AgentConfig.ProbeMode.REAL).statusIntervalS(600)
                    .controller(new AgentConfig.ControllerLink(sink.url(), "127.0.0.1", deadEchoPort, 3600, 5, 5, 86_400, 256 * 1024))
                    .build();
            Agent agent = Agent.start(config, code -> { });
            try (TestSubscriber controller = new TestSubscriber(broker.uri(), "ctl-slow", Topics.boxTree("box-slow"))) {
                await().atMost(Duration.ofSeconds(10)).until(agent::connected);
                long sent = System.currentTimeMillis();
                CommandRequest request = new CommandRequest(Protocol.VERSION, "box-slow", sent, "st-1", "selftest", null);
                MqttProperties props = new MqttProperties();
                props.setResponseTopic(Topics.of("box-slow", Channel.CMD_RESPONSE));
                controller.publish(Topics.of("box-slow", Channel.CMD_REQUEST), CODEC.encode(request), props);
                // The controller's default selftestTimeoutS is 20.
                TestSubscriber.Received raw = await().atMost(Duration.ofSeconds(20)).until(() -> controller.on("box-slow", Channel.CMD_RESPONSE)
                        .stream().filter(r -> new String(r.payload(), StandardCharsets.UTF_8).contains("st-1")).findFirst(), Optional::isPresent).orElseThrow();
                long tookMs = System.currentTimeMillis() - sent;
                CommandResponse answer = CODEC.decode(CommandResponse.class, raw.payload());
                JsonNode network = null;
                for (JsonNode check : answer.result().get("checks")) {
                    if (check.get("type").asText().equals("network")) {
                        network = check;
                    }
                }
                assertTrue(network != null && network.has("uplinkKbps"), "a fresh uplink figure: " + answer.result());
                assertTrue(network.get("uplinkMeasuredAt").asLong() >= sent, "measured for this self-test");
                int kbps = network.get("uplinkKbps").asInt();
                assertTrue(kbps > 250 && kbps < 520, "about 384 kbit/s: " + kbps);
                assertTrue(tookMs > 5_000 && tookMs < 20_000, "longer than the old 5 s wait, inside the controller's 20 s: " + tookMs);
                assertEquals(1, sink.uploads.get());
            } finally {
                agent.halt();
            }
        }
    }
}
