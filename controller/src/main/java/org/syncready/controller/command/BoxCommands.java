package org.syncready.controller.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.syncready.controller.mqtt.ControllerMqttClient;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commands to boxes and matches their answers. At most {@code maxPending} commands wait for an
 * answer at once; beyond that a new command fails at once rather than piling up behind silent boxes.
 */
public final class BoxCommands {
    private static final Logger log = LoggerFactory.getLogger(BoxCommands.class);

    /** Thrown into a command's future when the box did not answer in time. */
    public static final class NoAnswerException extends TimeoutException {
        public NoAnswerException(String message) {
            super(message);
        }
    }

    private final ControllerMqttClient mqtt;
    private final MessageCodec codec;
    private final int maxPending;
    private final Map<String, CompletableFuture<CommandResponse>> pending = new ConcurrentHashMap<>();

    public BoxCommands(ControllerMqttClient mqtt, MessageCodec codec, int maxPending) {
        this.mqtt = mqtt;
        this.codec = codec;
        this.maxPending = maxPending;
    }

    /** Sends {@code type} to a box; the future completes with its answer or fails after {@code timeout}. */
    public CompletableFuture<CommandResponse> send(String boxId, String type, JsonNode args, Duration timeout) {
        if (pending.size() >= maxPending) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "too many commands waiting for an answer (" + maxPending + ")"));
        }
        String id = UUID.randomUUID().toString();
        CommandRequest request = new CommandRequest(Protocol.VERSION, boxId, System.currentTimeMillis(), id, type, args);
        MqttProperties properties = new MqttProperties();
        properties.setResponseTopic(Topics.of(boxId, Channel.CMD_RESPONSE));
        properties.setCorrelationData(id.getBytes(StandardCharsets.UTF_8));
        properties.setMessageExpiryInterval(Math.max(1L, timeout.toSeconds()));

        CompletableFuture<CommandResponse> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(id));
        mqtt.publish(Topics.of(boxId, Channel.CMD_REQUEST), codec.encode(request), false, properties)
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        answer.completeExceptionally(error);
                    }
                });
        log.info("command sent box={} type={} id={}", boxId, type, id);
        return answer.exceptionallyCompose(e -> e instanceof TimeoutException
                ? CompletableFuture.failedFuture(new NoAnswerException("box " + boxId + " did not answer '" + type
                        + "' within " + timeout.toMillis() + " ms"))
                : CompletableFuture.failedFuture(e));
    }

    /** Called by ingest with every command response; unknown ids (late or foreign answers) are ignored. */
    public void onResponse(CommandResponse response) {
        CompletableFuture<CommandResponse> answer = pending.remove(response.id());
        if (answer == null) {
            log.debug("late or unknown command response box={} id={}", response.boxId(), response.id());
            return;
        }
        answer.complete(response);
    }

    public int pending() {
        return pending.size();
    }
}
