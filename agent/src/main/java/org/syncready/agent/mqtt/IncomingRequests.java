package org.syncready.agent.mqtt;

import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.Message;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.Topics;

/**
 * The receive side of a box's connection: {@code cmd/request} and {@code config/desired}, decoded and
 * handed on. Runs on Paho's callback thread: the handlers must hand work off, never block.
 */
final class IncomingRequests {
    private static final Logger log = LoggerFactory.getLogger(MqttReporter.class);
    private static final long BAD_REQUEST_LOG_EVERY_MS = 60_000;

    private final String boxId;
    private final MessageCodec codec;
    private final Consumer<IncomingCommand> commands;
    private volatile Consumer<ConfigDesired> desired = d -> { };
    private long badRequestLoggedAt;
    private int badRequestsSinceLog;

    IncomingRequests(String boxId, MessageCodec codec, Consumer<IncomingCommand> commands) {
        this.boxId = boxId;
        this.codec = codec;
        this.commands = commands;
    }

    void onDesired(Consumer<ConfigDesired> handler) {
        this.desired = handler;
    }

    void accept(String topic, MqttMessage mqtt) {
        if (topic.equals(Topics.of(boxId, Channel.CONFIG_DESIRED))) {
            if (mqtt.getPayload().length == 0) {
                return; // the controller cleared the retained document
            }
            try {
                if (codec.decode(topic, mqtt.getPayload()) instanceof ConfigDesired doc) {
                    desired.accept(doc);
                }
            } catch (ProtocolException e) {
                dropRequest("undecodable config/desired dropped (" + e.reason().label() + "): " + e.getMessage());
            }
            return;
        }
        if (!topic.equals(Topics.of(boxId, Channel.CMD_REQUEST))) {
            return;
        }
        if (mqtt.isRetained()) {
            // A retained command would run again on every reconnect (think restart-agent): never act on one.
            dropRequest("retained command request ignored");
            return;
        }
        try {
            Message message = codec.decode(topic, mqtt.getPayload());
            if (message instanceof CommandRequest request) {
                MqttProperties props = mqtt.getProperties();
                commands.accept(new IncomingCommand(request, props == null ? null : props.getResponseTopic(),
                        props == null ? null : props.getCorrelationData()));
            }
        } catch (ProtocolException e) {
            dropRequest("undecodable command request dropped (" + e.reason().label() + "): " + e.getMessage());
        }
    }

    /** Logs a dropped request at most once a minute, so a broken sender cannot flood the log. */
    private void dropRequest(String why) {
        long nowMs = System.currentTimeMillis();
        if (nowMs - badRequestLoggedAt >= BAD_REQUEST_LOG_EVERY_MS) {
            String more = badRequestsSinceLog > 0 ? " (" + badRequestsSinceLog + " more dropped since the last note)" : "";
            log.warn("{}: {}{}", boxId, why, more);
            badRequestLoggedAt = nowMs;
            badRequestsSinceLog = 0;
        } else {
            badRequestsSinceLog++;
        }
    }
}
