package org.syncready.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttClientWillOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandRequest;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.Message;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated box. Every field is touched only on the box's own event-loop context, so there are
 * no locks; other threads reach it through {@link #run}.
 */
final class SimulatedBox {
    private static final Logger log = LoggerFactory.getLogger(SimulatedBox.class);

    private final String boxId;
    private final String password;
    private final String sourceAddress;
    private final Context context;
    private final Vertx vertx;
    private final MessageCodec codec;
    private final FleetSimulator.Settings settings;
    private final SimCounters counters;
    private final StatusListener listener;
    private final String bootId = UUID.randomUUID().toString();

    private MqttClient client;
    private boolean connected;
    private boolean closing;
    private long seq;
    private int conn;
    private boolean cameraFault;
    private Long configVersion;
    private long lastStatusSeq;
    private int inFlight;
    private long periodicTimer = -1;
    /** Report by exception: the heartbeat (ms, -1 when periodic) and the timer of the next one. */
    private long heartbeatMs = -1;
    private long heartbeatTimer = -1;
    private FleetSimulator.Burst burst;

    SimulatedBox(BoxCredentials credentials, String sourceAddress, Context context, Vertx vertx, MessageCodec codec,
                 FleetSimulator.Settings settings, SimCounters counters, StatusListener listener, boolean cameraFault) {
        this.boxId = credentials.boxId();
        this.password = credentials.password();
        this.sourceAddress = sourceAddress;
        this.context = context;
        this.vertx = vertx;
        this.codec = codec;
        this.settings = settings;
        this.counters = counters;
        this.listener = listener;
        this.cameraFault = cameraFault;
    }

    String boxId() {
        return boxId;
    }

    /** Runs {@code action} on this box's event loop. */
    void run(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    /** Connects (on the box's context) following PROTOCOL.md 5.1; the future completes after the first status is sent. */
    Future<Void> connect() {
        Promise<Void> done = Promise.promise();
        run(() -> connectNow(done));
        return done.future();
    }

    private void connectNow(Promise<Void> done) {
        conn++;
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(boxId)
                .setUsername(boxId)
                .setPassword(password)
                .setCleanSession(true)
                .setKeepAliveInterval(settings.keepAliveS())
                .setMaxInflightQueue(FleetSimulator.MAX_IN_FLIGHT)
                .setAckTimeout(30)
                .setAutoKeepAlive(true)
                .setWillOptions(new MqttClientWillOptions()
                        .setTopic(Topics.of(boxId, Channel.STATE))
                        .setMessageBytes(Buffer.buffer(codec.encode(state(StateMessage.Presence.OFFLINE))))
                        .setQos(1)
                        .setRetain(true));
        options.setVersion(5);
        options.setLocalAddress(sourceAddress);
        options.setTcpNoDelay(true);
        if (settings.caPem() != null) {
            options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(settings.caPem())));
        }
        MqttClient c = MqttClient.create(vertx, options);
        client = c;
        c.publishHandler(this::onMessage);
        c.publishCompletionHandler(packetId -> {
            counters.acked.increment();
            inFlight--;
            pump();
        });
        c.publishCompletionExpirationHandler(packetId -> {
            counters.publishFailures.increment();
            inFlight--;
            pump();
        });
        c.closeHandler(v -> onClosed(c));
        c.connect(settings.brokerPort(), settings.brokerHost()).compose(ack -> {
            connected = true;
            counters.connected.increment();
            return c.subscribe(Map.of(Topics.of(boxId, Channel.CONFIG_DESIRED), 1, Topics.of(boxId, Channel.CMD_REQUEST), 1));
        }).onSuccess(subscribed -> {
            publish(Channel.STATE, codec.encode(state(StateMessage.Presence.ONLINE)), true);
            publishBirth();
            publishStatus();
            done.tryComplete();
        }).onFailure(e -> {
            counters.connectFailures.increment();
            log.debug("box={} connect failed: {}", boxId, e.toString());
            done.tryFail(e);
        });
    }

    private void onClosed(MqttClient c) {
        if (c != client) {
            return;
        }
        if (connected) {
            connected = false;
            counters.connected.decrement();
        }
        inFlight = 0;
        if (!closing) {
            counters.connectionsLost.increment();
            long delay = 1_000 + ThreadLocalRandom.current().nextLong(2_000);
            vertx.setTimer(delay, t -> {
                if (!closing) {
                    connectNow(Promise.promise());
                }
            });
        }
    }

    /** Sends a status every {@code intervalMs}, starting at a random phase so boxes do not send in step. */
    void startReporting(long intervalMs) {
        run(() -> {
            if (periodicTimer >= 0) {
                vertx.cancelTimer(periodicTimer);
            }
            long phase = 1 + ThreadLocalRandom.current().nextLong(intervalMs);
            periodicTimer = vertx.setPeriodic(phase, intervalMs, t -> {
                if (connected) {
                    publishStatus();
                } else {
                    counters.skippedOffline.increment();
                }
            });
        });
    }

    void stopReporting() {
        run(() -> {
            if (periodicTimer >= 0) {
                vertx.cancelTimer(periodicTimer);
                periodicTimer = -1;
            }
            heartbeatMs = -1;
            cancelHeartbeat();
        });
    }

    /**
     * Report by exception: a status when none was sent for {@code ms}, the first at a random phase so
     * boxes do not send in step; every status sent (a change, a command, a reconnect) restarts the wait.
     */
    void startHeartbeat(long ms) {
        run(() -> {
            if (periodicTimer >= 0) {
                vertx.cancelTimer(periodicTimer);
                periodicTimer = -1;
            }
            heartbeatMs = ms;
            scheduleHeartbeat(1 + ThreadLocalRandom.current().nextLong(ms));
        });
    }

    private void scheduleHeartbeat(long delayMs) {
        cancelHeartbeat();
        heartbeatTimer = vertx.setTimer(delayMs, t -> {
            heartbeatTimer = -1;
            if (connected) {
                publishStatus();
            } else {
                counters.skippedOffline.increment();
                scheduleHeartbeat(heartbeatMs);
            }
        });
    }

    private void cancelHeartbeat() {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
            heartbeatTimer = -1;
        }
    }

    /** A significant change: the fault camera breaks or recovers, and the box reports it at once. */
    void change() {
        run(() -> {
            cameraFault = !cameraFault;
            counters.changes.increment();
            if (connected) {
                publishStatus();
            }
        });
    }

    /** Joins a burst: statuses back to back, at most {@code window} unacknowledged, until the burst is used up. */
    void joinBurst(FleetSimulator.Burst b) {
        run(() -> {
            burst = b;
            pump();
        });
    }

    private void pump() {
        FleetSimulator.Burst b = burst;
        if (b == null || !connected) {
            return;
        }
        while (inFlight < b.window()) {
            if (!b.take()) {
                burst = null;
                return;
            }
            publishStatus();
        }
    }

    /** A camera breaks or recovers: like a real agent, the box reports the change at once. */
    void setCameraFault(boolean fault) {
        run(() -> {
            cameraFault = fault;
            if (connected) {
                publishStatus();
            }
        });
    }

    /** The seq of the last status sent (read it on the box's context or after the fleet is quiet). */
    long lastStatusSeq() {
        return lastStatusSeq;
    }

    /** The config version the box last acknowledged as applied, or -1 before the first. */
    long configVersion() {
        return configVersion == null ? -1 : configVersion;
    }

    void publishStatus() {
        long ts = System.currentTimeMillis();
        long s = ++seq;
        StatusMessage status = StatusFactory.status(boxId, bootId, ts, s, settings.statusIntervalS(), cameraFault);
        lastStatusSeq = s;
        counters.statusSent.increment();
        publish(Channel.STATUS, codec.encode(status), true);
        listener.statusSent(boxId, s, ts, cameraFault);
        if (heartbeatMs > 0 && !closing) {
            scheduleHeartbeat(heartbeatMs);
        }
    }

    private void publishBirth() {
        publish(Channel.BIRTH, codec.encode(StatusFactory.birth(boxId, bootId, System.currentTimeMillis(), ++seq,
                settings.statusIntervalS(), configVersion, settings.byException() ? settings.statusIntervalS() : null)), true);
    }

    private void publish(Channel channel, byte[] payload, boolean retain) {
        publish(Topics.of(boxId, channel), payload, retain, null);
    }

    private void publish(String topic, byte[] payload, boolean retain, MqttProperties properties) {
        counters.published.increment();
        inFlight++;
        Future<Integer> sent = properties == null
                ? client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, retain)
                : client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, retain, properties);
        sent.onFailure(e -> {
            counters.publishFailures.increment();
            inFlight--;
        });
    }

    private StateMessage state(StateMessage.Presence presence) {
        return new StateMessage(Protocol.VERSION, boxId, System.currentTimeMillis(), bootId, seq, conn, presence);
    }

    private void onMessage(MqttPublishMessage message) {
        byte[] payload = message.payload().getBytes();
        if (payload.length == 0) {
            return;
        }
        Message decoded;
        try {
            decoded = codec.decode(message.topicName(), payload);
        } catch (ProtocolException e) {
            log.warn("box={} got an invalid message on {}: {}", boxId, message.topicName(), e.getMessage());
            return;
        }
        if (decoded instanceof ConfigDesired desired) {
            onConfig(desired);
        } else if (decoded instanceof CommandRequest request) {
            onCommand(request, message.properties());
        }
    }

    /** A real agent verifies signature and schema first; the simulator only plays the protocol's part. */
    private void onConfig(ConfigDesired desired) {
        if (configVersion != null && desired.version() <= configVersion) {
            return;
        }
        configVersion = desired.version();
        ConfigReported reported = new ConfigReported(Protocol.VERSION, boxId, System.currentTimeMillis(), bootId, ++seq,
                desired.version(), ConfigReported.Result.APPLIED, null);
        publish(Channel.CONFIG_REPORTED, codec.encode(reported), false);
        counters.configAcks.increment();
    }

    private void onCommand(CommandRequest request, MqttProperties requestProperties) {
        CommandResponse response;
        switch (request.type()) {
            case CommandTypes.SELFTEST -> response = answer(request, true, selfTestReport(), null);
            case CommandTypes.REBIRTH -> {
                publishBirth();
                response = answer(request, true, null, null);
            }
            case CommandTypes.REPROBE -> {
                publishStatus();
                response = answer(request, true, null, null);
            }
            default -> response = answer(request, false, null, "unknown command type '" + request.type() + "'");
        }
        MqttProperties.MqttProperty<?> responseTopic = requestProperties == null ? null
                : requestProperties.getProperty(MqttProperties.MqttPropertyType.RESPONSE_TOPIC.value());
        MqttProperties.MqttProperty<?> correlation = requestProperties == null ? null
                : requestProperties.getProperty(MqttProperties.MqttPropertyType.CORRELATION_DATA.value());
        MqttProperties properties = new MqttProperties();
        if (correlation != null) {
            properties.add(new MqttProperties.BinaryProperty(MqttProperties.MqttPropertyType.CORRELATION_DATA.value(),
                    (byte[]) correlation.value()));
        }
        String topic = responseTopic == null ? Topics.of(boxId, Channel.CMD_RESPONSE) : (String) responseTopic.value();
        publish(topic, codec.encode(response), false, properties);
        counters.commandAnswers.increment();
    }

    private CommandResponse answer(CommandRequest request, boolean ok, JsonNode result, String error) {
        return new CommandResponse(Protocol.VERSION, boxId, System.currentTimeMillis(), bootId, ++seq, request.id(), ok, result, error);
    }

    private JsonNode selfTestReport() {
        StatusMessage now = StatusFactory.status(boxId, bootId, System.currentTimeMillis(), 1, settings.statusIntervalS(), cameraFault);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("passed", !cameraFault);
        report.put("durationMs", 1200);
        report.put("cameras", now.cameras());
        report.put("microphones", now.microphones());
        report.put("network", now.network());
        report.put("stream", now.stream());
        return codec.mapper().valueToTree(report);
    }

    /** From now on a lost connection is not re-established. */
    void markClosing() {
        run(() -> closing = true);
    }

    /** Disconnects cleanly (no Will). */
    Future<Void> disconnect() {
        Promise<Void> done = Promise.promise();
        run(() -> {
            closing = true;
            if (periodicTimer >= 0) {
                vertx.cancelTimer(periodicTimer);
            }
            cancelHeartbeat();
            if (client != null && connected) {
                client.disconnect().onComplete(r -> done.tryComplete());
            } else {
                done.tryComplete();
            }
        });
        return done.future();
    }
}
