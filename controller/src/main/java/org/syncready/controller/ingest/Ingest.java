package org.syncready.controller.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.fleet.BoxRecord;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.CommandTypes;
import org.syncready.protocol.Message;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns MQTT messages from boxes into live state and stored rows. Runs inside the embedded broker
 * (its extension threads, see {@code broker.EmbeddedBroker}) or on the MQTT client's callback thread
 * with an external broker, never on a Vert.x event loop; when the store writer's queue is full it
 * blocks here, which pushes back on the broker rather than dropping rows.
 *
 * <p>Every message is acknowledged to the broker only after the store writer committed the rows it
 * produced (and every row queued before them): refused, duplicate and history-only messages too,
 * so acknowledgements leave in the order the messages came, as MQTT asks.
 */
public final class Ingest {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);
    private static final Duration REBIRTH_TIMEOUT = Duration.ofSeconds(10);

    private final MessageCodec codec;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final RecordSink writer;
    private final BoxCommands commands;
    private final ControllerMetrics metrics;
    private final RefusalLog refusals = new RefusalLog(20_000);
    private volatile Consumer<AgentMessage> configListener = m -> { };

    public Ingest(MessageCodec codec, FleetRegistry registry, LiveFleet fleet, RecordSink writer,
                  BoxCommands commands, ControllerMetrics metrics) {
        this.codec = codec;
        this.registry = registry;
        this.fleet = fleet;
        this.writer = writer;
        this.commands = commands;
        this.metrics = metrics;
    }

    /**
     * The filters to subscribe to: only what agents publish, so the controller never reads its own
     * commands. With several nodes ({@code sharedGroup}) each message goes to one node, except command
     * responses: every node takes them all, because only the node that sent a command waits for its
     * answer (the others find no pending id and ignore it).
     */
    public static List<String> filters(String sharedGroup) {
        return Arrays.stream(Channel.values())
                .filter(Channel::fromAgent)
                .map(c -> sharedGroup == null || c == Channel.CMD_RESPONSE ? Topics.ROOT + "+/" + c.suffix()
                        : Topics.shared(sharedGroup, Topics.ROOT + "+/" + c.suffix()))
                .toList();
    }

    /** Receives accepted config reports and births (which carry the running config version); must not block. */
    public void onConfigMessages(Consumer<AgentMessage> listener) {
        this.configListener = listener;
    }

    /** Takes a message that needs no acknowledgement (a clean session acknowledges on arrival). */
    public void onMessage(String topic, MqttMessage mqttMessage) {
        onMessage(topic, mqttMessage, () -> { });
    }

    /** Takes a message; {@code acknowledge} runs once what it produced is committed to the store. */
    public void onMessage(String topic, MqttMessage mqttMessage, Runnable acknowledge) {
        onMessage(topic, mqttMessage.getPayload(), mqttMessage.isRetained(), acknowledge);
    }

    /**
     * Takes a message as the broker received it ({@code retained}: a retained copy sent on subscribe, not
     * a live publish); {@code acknowledge} runs, on the store writer's thread, once what it produced is
     * committed. Blocks while the store writer's queue is full. Safe to call from several threads at
     * once, provided the messages of one box come from one thread in order (one connection each).
     */
    public void onMessage(String topic, byte[] payload, boolean retained, Runnable acknowledge) {
        try {
            ingest(topic, payload, retained);
        } finally {
            acknowledgeAfterCommit(acknowledge);
        }
    }

    /**
     * Whether ingest takes {@code topic} inside the embedded broker ({@code false}: through the
     * controller's subscription). Presence stays with the subscription: a box's Will ("offline") is
     * published by the broker itself and never passes an inbound interceptor.
     */
    public static boolean takenInBroker(String topic) {
        if (!topic.startsWith(Topics.ROOT)) {
            return false;
        }
        int slash = topic.indexOf('/', Topics.ROOT.length());
        if (slash < 0) {
            return false;
        }
        String suffix = topic.substring(slash + 1);
        for (Channel c : Channel.values()) {
            if (c.fromAgent() && c != Channel.STATE && c.suffix().equals(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** The filters for the subscription beside in-broker ingest: presence only (see {@link #takenInBroker}). */
    public static List<String> presenceFilters(String sharedGroup) {
        String f = Topics.ROOT + "+/" + Channel.STATE.suffix();
        return List.of(sharedGroup == null ? f : Topics.shared(sharedGroup, f));
    }

    private void acknowledgeAfterCommit(Runnable acknowledge) {
        try {
            writer.afterCommit(acknowledge);
        } catch (InterruptedException e) {
            // Shutting down: unacknowledged, the broker delivers the message again after the restart.
            Thread.currentThread().interrupt();
        }
    }

    private void ingest(String topic, byte[] payload, boolean retained) {
        long receivedAt = System.currentTimeMillis();
        if (payload.length == 0) {
            // An empty retained payload clears a retained topic (e.g. a decommissioned box); nothing to ingest.
            return;
        }
        Message message;
        try {
            message = codec.decode(topic, payload);
        } catch (ProtocolException e) {
            refuse(Topics.boxIdOrNull(topic), e.reason().label(), e.getMessage(), topic, receivedAt);
            return;
        }
        if (!(message instanceof AgentMessage agentMessage)) {
            refuse(message.boxId(), "wrong_direction", "controller-only message on an agent channel", topic, receivedAt);
            return;
        }
        if (!registry.isRegisteredHereOrInStore(agentMessage.boxId())) {
            refuse(agentMessage.boxId(), "unknown_box", "box is not registered", topic, receivedAt);
            return;
        }
        String channel = topic.substring(topic.indexOf('/', Topics.ROOT.length()) + 1);
        metrics.messageIn(channel);
        if (!(agentMessage instanceof StatusMessage s && s.historical())) {
            // A replayed status is late on purpose; it would drown the delivery lag this measures.
            metrics.ingestLag(receivedAt - agentMessage.ts());
        }

        if (agentMessage instanceof CommandResponse response) {
            commands.onResponse(response);
        }
        LiveFleet.Applied applied = fleet.apply(agentMessage, new String(payload, StandardCharsets.UTF_8),
                retained, receivedAt);
        if (!applied.accepted()) {
            if (applied.duplicate()) {
                metrics.duplicate();
            }
            return;
        }
        // A config report of a retired boot is still what the box did; a retired boot's birth says nothing now.
        if (agentMessage instanceof ConfigReported || agentMessage instanceof BirthMessage && applied.current()) {
            configListener.accept(agentMessage);
        }
        if (applied.missed() > 0) {
            metrics.gap(applied.missed());
            log.info("box={} skipped {} message(s) before seq={}", agentMessage.boxId(), applied.missed(), agentMessage.seq());
        }
        if (applied.rebirth()) {
            requestRebirth(agentMessage.boxId());
        }
        store(applied.writes());
    }

    /** Hands rows to the writer; used for ingest's rows and for stale-status events. */
    public void store(List<BoxRecord> writes) {
        try {
            for (BoxRecord w : writes) {
                writer.put(w);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while queueing {} rows for the store", writes.size());
        }
    }

    private void requestRebirth(String boxId) {
        metrics.rebirthRequested();
        log.info("box={} sent data without a matching birth or after a gap; requesting rebirth", boxId);
        commands.send(boxId, CommandTypes.REBIRTH, null, REBIRTH_TIMEOUT).whenComplete((r, e) -> {
            if (e != null) {
                log.info("box={} rebirth request unanswered: {}", boxId, e.getMessage());
            }
        });
    }

    private void refuse(String boxId, String reason, String detail, String topic, long now) {
        metrics.rejected(reason);
        String who = boxId == null ? "?" : boxId;
        if (refusals.shouldLog(who, reason, now)) {
            log.warn("refused message box={} topic={} reason={}: {} (further ones for a minute are only counted)",
                    who, topic, reason, detail);
        }
    }
}
