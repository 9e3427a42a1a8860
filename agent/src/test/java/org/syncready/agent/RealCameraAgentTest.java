package org.syncready.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.agent.camera.RtspTestCamera;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.config.CameraChecks;
import org.syncready.agent.config.CameraSource;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.CameraKind;
import org.syncready.protocol.CameraRole;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/** A real-mode agent with real cameras, through a real broker: birth capability, status, selftest. */
class RealCameraAgentTest {
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;

    @Test
    void realCamerasReachStatusAndTheSelftestDecodesTheirPicture() throws Exception {
        String box = "box-realcam";
        try (RtspTestCamera camera = RtspTestCamera.start("admin", "cam-secret", "digest");
             EmbeddedBroker broker = new EmbeddedBroker(dir.resolve("broker"));
             TestSubscriber controller = new TestSubscriber(broker.uri(), "ctl-realcam", Topics.boxTree(box))) {
            AgentConfig config = AgentConfig.builder(box, broker.uri(), "secret").dataDir(dir)
                    .probeMode(AgentConfig.ProbeMode.REAL).target("broker", "127.0.0.1", broker.port).statusIntervalS(600)
                    .realCameras(List.of(
                            new CameraSource("cam-teacher", CameraRole.TEACHER, CameraKind.RTSP, null, camera.url("ball"),
                                    "admin", "cam-secret", null, 20, 0, 30, 1, 0),
                            new CameraSource("cam-board", CameraRole.BLACKBOARD, CameraKind.RTSP, null, camera.url("smpte"),
                                    "admin", "cam-secret", null, 0, 0, 30, 1, 0)))
                    .cameraChecks(new CameraChecks("ffmpeg", 4, 2000))
                    .build();
            Agent agent = Agent.start(config, code -> {
                throw new AssertionError("unexpected exit " + code);
            });
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> !controller.on(box, Channel.BIRTH).isEmpty());
                BirthMessage birth = controller.messages(box, Channel.BIRTH, BirthMessage.class).get(0);
                assertTrue(birth.capabilities().get("camera").available());
                assertTrue(birth.capabilities().get("camera").detail().contains("deep checks with ffmpeg"),
                        birth.capabilities().get("camera").detail());

                // The first check finishes in the background; the change is published at once.
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    List<StatusMessage> all = controller.messages(box, Channel.STATUS, StatusMessage.class);
                    return !all.isEmpty() && all.get(all.size() - 1).cameras().stream()
                            .allMatch(c -> c.state() == DeviceState.OK);
                });

                String replies = "test/replies/" + box;
                try (TestSubscriber ctl = new TestSubscriber(broker.uri(), "ctl-realcam-2", Topics.boxTree(box), replies)) {
                    CommandRequest request = new CommandRequest(Protocol.VERSION, box, System.currentTimeMillis(), "c-self",
                            "selftest", null);
                    MqttProperties props = new MqttProperties();
                    props.setResponseTopic(replies);
                    long t0 = System.nanoTime();
                    ctl.publish(Topics.of(box, Channel.CMD_REQUEST), CODEC.encode(request), props);
                    TestSubscriber.Received raw = await().atMost(Duration.ofSeconds(60)).until(
                            () -> ctl.on(replies).stream().findFirst(), Optional::isPresent).orElseThrow();
                    System.out.printf("selftest with 2 RTSP cameras and ffmpeg deep checks (4 s window): %d ms%n",
                            (System.nanoTime() - t0) / 1_000_000);
                    CommandResponse response = CODEC.decode(CommandResponse.class, raw.payload());
                    assertTrue(response.ok(), String.valueOf(response.error()));
                    JsonNode checks = response.result().get("checks");
                    JsonNode teacher = check(checks, "cam-teacher");
                    JsonNode board = check(checks, "cam-board");
                    assertTrue(teacher.get("passed").booleanValue(), teacher.toString());
                    assertFalse(teacher.get("deepCheck").get("frozen").booleanValue(), teacher.toString());
                    assertTrue(board.get("deepCheck").get("frozen").booleanValue(), board.toString());
                    assertEquals("fault", board.get("state").asText(), board.toString());
                    assertFalse(response.result().get("passed").booleanValue());
                    String text = new String(raw.payload(), StandardCharsets.UTF_8);
                    assertFalse(text.contains("cam-secret"), "no camera password in the reply");

                    await().atMost(Duration.ofSeconds(10)).until(() -> {
                        List<StatusMessage> all = ctl.messages(box, Channel.STATUS, StatusMessage.class);
                        if (all.isEmpty()) {
                            return false;
                        }
                        CameraStatus c = all.get(all.size() - 1).cameras().stream()
                                .filter(x -> x.id().equals("cam-board")).findFirst().orElseThrow();
                        return c.state() == DeviceState.FAULT && Boolean.TRUE.equals(c.frozen());
                    });
                }
            } finally {
                agent.stop();
            }
        }
    }

    private static JsonNode check(JsonNode checks, String id) {
        for (JsonNode c : checks) {
            if (c.get("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check for " + id + " in " + checks);
    }
}
