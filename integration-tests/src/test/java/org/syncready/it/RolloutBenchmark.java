package org.syncready.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.configapply.ConfigApplier;
import org.syncready.agent.configapply.ConfigTarget;
import org.syncready.agent.probe.Snapshot;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Channel;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NoDelaySocketFactory;
import org.syncready.protocol.StreamStatus;
import org.syncready.protocol.SystemStatus;
import org.syncready.protocol.Topics;

/**
 * Benchmark, not a test (surefire skips the name): time from rollout start to every box's
 * acknowledgement, for N boxes (default 1,000) on loopback. Each box is a Paho MQTT 5 connection and
 * the agent's real {@link ConfigApplier} (hash, Ed25519 signature, model schema, atomic write to disk);
 * devices are fixed healthy readings instead of probe threads (Paho still has ~3 threads per box).
 *
 * <pre>mvn -B -pl integration-tests -am verify -Dtest=RolloutBenchmark -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.boxes=1000]</pre>
 * Figures are printed to the test output (target/surefire-reports/*RolloutBenchmark-output.txt).
 */
class RolloutBenchmark {
    @TempDir
    Path data;

    @Test
    void timeFromRolloutStartToAllAcks() throws Exception {
        int n = Integer.getInteger("bench.boxes", 1000);
        ObjectMapper json = new ObjectMapper();
        MessageCodec codec = new MessageCodec();
        try (Controller controller = Controller.start(ControllerConfig.defaults(data.resolve("controller")).withPorts(0, 0).withEchoPort(0))) {
            String bearer = "Bearer " + controller.accounts().createToken("admin", "rollout benchmark", null, "admin").secret();
            controller.registry().addSchool("bench", "压测学校", "Bench School");
            List<BoxRegistration> regs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String room = String.format("room-%04d", i);
                controller.registry().addClassroom(room, "bench", "教室", "Room");
                regs.add(controller.registry().registerBox(String.format("bench-%04d", i), room, "generic-recorder-b"));
            }
            List<String> keys = controller.rollouts().publicKeysToPin();
            ExecutorService apply = Executors.newFixedThreadPool(4);
            List<BenchBox> boxes = new ArrayList<>();
            long t0 = System.nanoTime();
            for (BoxRegistration r : regs) {
                boxes.add(new BenchBox(r, controller.brokerUri(), keys, data.resolve("boxes"), codec, apply));
            }
            for (BenchBox b : boxes) {
                b.connect.waitForCompletion(30_000);
            }
            System.out.printf("BENCH %d boxes connected in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);

            HttpClient http = HttpClient.newHttpClient();
            for (String waves : List.of("[\"100%\"]", "[1,\"10%\",\"100%\"]")) {
                String profile = waves.startsWith("[1") ? "generic-recorder-b/classroom-1080p" : "generic-recorder-b/classroom-720p";
                String body = "{\"profile\":\"" + profile + "\",\"target\":{\"schools\":[\"bench\"]},\"strategy\":{\"waves\":" + waves + "}}";
                long start = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + "/api/v1/rollouts")).header("Authorization", bearer)
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                long accepted = System.nanoTime();
                assertEquals(201, r.statusCode(), r.body());
                String id = json.readTree(r.body()).path("id").asText();
                JsonNode state;
                do {
                    Thread.sleep(100);
                    state = json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort()
                            + "/api/v1/rollouts/" + id)).header("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString()).body());
                } while (state.path("state").asText().equals("running") && System.nanoTime() - start < 600_000_000_000L);
                long done = System.nanoTime();
                assertEquals("completed", state.path("state").asText(), state.path("counts").toString());
                assertEquals(n, state.path("counts").path("applied").asInt());
                System.out.printf("BENCH rollout to %d boxes, waves %s: POST answered in %d ms, all %d acks after %d ms "
                                + "(the last box reported at %d ms)%n",
                        n, waves, (accepted - start) / 1_000_000, n, (done - start) / 1_000_000,
                        (BenchBox.lastReportNanos.get() - start) / 1_000_000);
            }
            for (BenchBox b : boxes) {
                b.close();
            }
            apply.shutdownNow();
        }
    }

    /** One box: an MQTT connection and the agent's config applier. */
    private static final class BenchBox implements ConfigTarget {
        static final AtomicLong lastReportNanos = new AtomicLong();
        final String boxId;
        final MqttAsyncClient client;
        final IMqttToken connect;
        final ConfigApplier applier;
        final MessageCodec codec;
        final String bootId = UUID.randomUUID().toString();
        final AtomicLong seq = new AtomicLong();

        BenchBox(BoxRegistration r, String brokerUri, List<String> keys, Path dir, MessageCodec codec,
                 ExecutorService apply) throws MqttException {
            this.boxId = r.box().id();
            this.codec = codec;
            AgentConfig config = AgentConfig.builder(boxId, brokerUri, r.secret()).model("generic-recorder-b")
                    .dataDir(dir.resolve(boxId)).controllerKeys(keys).build();
            this.applier = new ConfigApplier(config, codec, this);
            // Paho's own threads per client: its receiver blocks on the socket, so a small shared pool would starve.
            this.client = new MqttAsyncClient(brokerUri, boxId, new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse d) {
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    ConfigDesired doc = codec.decode(ConfigDesired.class, m.getPayload());
                    apply.execute(() -> applier.onDesired(doc));
                }

                @Override
                public void deliveryComplete(IMqttToken t) {
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                    try {
                        client.subscribe(Topics.of(boxId, Channel.CONFIG_DESIRED), 1);
                        publish(Channel.BIRTH, codec.encode(new BirthMessage(1, boxId, System.currentTimeMillis(), bootId,
                                seq.incrementAndGet(), "bench", "bench", "generic-recorder-b", 60, null, null, null)));
                    } catch (MqttException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties p) {
                }
            });
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName(boxId);
            o.setPassword(r.secret().getBytes(StandardCharsets.UTF_8));
            o.setKeepAliveInterval(60);
            o.setSocketFactory(new NoDelaySocketFactory());
            connect = client.connect(o);
        }

        void publish(Channel channel, byte[] payload) throws MqttException {
            client.publish(Topics.of(boxId, channel), new MqttMessage(payload, 1, false, new MqttProperties()));
        }

        @Override
        public void reconfigure(JsonNode body, long version) {
        }

        @Override
        public Snapshot probeNow() {
            List<CameraStatus> cams = new ArrayList<>();
            for (String id : List.of("cam-teacher", "cam-student", "cam-blackboard")) {
                cams.add(new CameraStatus(id, CameraRole.OTHER, CameraKind.RTSP, DeviceState.OK, 1920, 1080, 25.0, 3000, false, null));
            }
            return new Snapshot(System.currentTimeMillis(), cams, List.of(), new NetworkStatus("up", "eth0", null, null, null, null, null, List.of()),
                    new SystemStatus(null, null, null, null, null), new StreamStatus(true, "rtmp://x", null, null, null), Map.of());
        }

        @Override
        public boolean camerasProbed() {
            return true;
        }

        @Override
        public boolean brokerReachable(Duration wait) {
            return client.isConnected();
        }

        @Override
        public void report(long version, ConfigReported.Result result, String error) {
            try {
                publish(Channel.CONFIG_REPORTED, codec.encode(new ConfigReported(1, boxId, System.currentTimeMillis(), bootId,
                        seq.incrementAndGet(), version, result, error)));
                lastReportNanos.accumulateAndGet(System.nanoTime(), Math::max);
            } catch (MqttException e) {
                throw new IllegalStateException(boxId + ": report not sent", e);
            }
        }

        void close() {
            try {
                client.disconnect().waitForCompletion(2_000);
                client.close();
            } catch (MqttException e) {
                // the benchmark is over
            }
        }
    }
}
