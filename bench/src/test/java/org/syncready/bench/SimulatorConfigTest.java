package org.syncready.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetSimulator;
import org.syncready.controller.broker.BrokerPrincipal;
import org.syncready.controller.broker.EmbeddedBroker;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.ingest.Ingest;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.mqtt.ControllerMqttClient;
import org.syncready.protocol.Channel;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.Topics;

/**
 * Simulated boxes ack a new desired configuration with config/reported "applied", once per version
 * (the controller on this branch has no rollouts yet, so the test publishes as the controller would).
 */
class SimulatorConfigTest {
    @TempDir
    Path dir;

    @Test
    void everyNewDesiredVersionIsAckedOnceAsApplied() throws Exception {
        String controllerSecret = "controller-secret";
        BoxCredentials box = new BoxCredentials("sim-cfg-1", "box-secret");
        MessageCodec codec = new MessageCodec();
        List<ConfigReported> reports = new CopyOnWriteArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, new EmbeddedBroker.Settings("127.0.0.1", 0, 1_000),
                (clientId, user, password) -> {
                    String pw = new String(password, StandardCharsets.UTF_8);
                    if (user.equals(FleetRegistry.CONTROLLER_CLIENT_PREFIX) && pw.equals(controllerSecret)) {
                        return Optional.of(BrokerPrincipal.controller(clientId));
                    }
                    return user.equals(box.boxId()) && pw.equals(box.password()) ? Optional.of(BrokerPrincipal.box(user)) : Optional.empty();
                }, new ControllerMetrics());
             ControllerMqttClient controller = new ControllerMqttClient(new ControllerMqttClient.Endpoint(
                     "tcp://127.0.0.1:" + broker.port(), FleetRegistry.CONTROLLER_CLIENT_PREFIX + "-test",
                     FleetRegistry.CONTROLLER_CLIENT_PREFIX, controllerSecret.getBytes(StandardCharsets.UTF_8)), codec);
             FleetSimulator sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", broker.port()))) {
            controller.connect(Ingest.filters(null), (topic, message) -> {
                if (topic.endsWith("/config/reported")) {
                    try {
                        reports.add(codec.decode(ConfigReported.class, message.getPayload()));
                    } catch (ProtocolException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            assertEquals(1, sim.connect(List.of(box), Duration.ofSeconds(20)));

            publishDesired(controller, codec, box.boxId(), 7);
            await().atMost(10, TimeUnit.SECONDS).until(() -> reports.size() == 1);
            assertEquals(7, reports.get(0).version());
            assertEquals(ConfigReported.Result.APPLIED, reports.get(0).result());

            // The same version again is already applied: no second report. A newer one is.
            publishDesired(controller, codec, box.boxId(), 7);
            publishDesired(controller, codec, box.boxId(), 8);
            await().atMost(10, TimeUnit.SECONDS).until(() -> reports.size() >= 2);
            assertEquals(8, reports.get(1).version());
            await().during(500, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(() -> reports.size() == 2);
            assertEquals(2, sim.counters().configAcks());
        }
    }

    private static void publishDesired(ControllerMqttClient controller, MessageCodec codec, String boxId, long version) throws Exception {
        ConfigDesired desired = new ConfigDesired(Protocol.VERSION, boxId, System.currentTimeMillis(), version,
                "generic-recorder-a/standard-1080p", "0".repeat(64),
                JsonNodeFactory.instance.objectNode().put("model", "generic-recorder-a"), "c2ln");
        controller.publish(Topics.of(boxId, Channel.CONFIG_DESIRED), codec.encode(desired), true, null).get(10, TimeUnit.SECONDS);
    }
}
