package org.syncready.agent.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.outbox.Outbox;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.CommandResponse;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/**
 * The agent's MQTT 5 connection: presence, birth, status, command replies.
 *
 * <p>It reconnects by itself ({@link BrokerConnection}: a fresh Will per connect, jittered exponential
 * backoff). On every connect it subscribes to its {@code cmd/request}, then publishes the retained
 * online state, replays its outbox, then publishes the birth and the latest status. All publishes are
 * QoS 1.
 *
 * <p>Every data message (status, config/reported, cmd/response, birth) goes through the
 * {@link Outbox} ({@link OutboxSender}): written there when it is made, published from there in order,
 * removed when the broker acknowledges it, replayed after a reconnect.
 *
 * <p>All MQTT work runs on one thread per agent ({@code mqtt-<boxId>}, {@link IoThread}), which is
 * also the only writer of {@code seq}, so seq follows publish order. Paho's callbacks only hand work
 * to that thread: they run on Paho's callback thread, which also delivers the acks that free the
 * publish window, so blocking there would deadlock. The parts ({@link BrokerConnection},
 * {@link OutboxSender}, {@link IncomingRequests}) keep that rule; this class is their public face.
 */
public final class MqttReporter {
    private static final Logger log = LoggerFactory.getLogger(MqttReporter.class);

    private final String boxId;
    private final String bootId;
    private final ReportContent content;
    private final IoThread io;
    private final IncomingRequests incoming;
    private final BrokerConnection connection;
    private final OutboxSender sender;
    /** The seq of the latest data message; written by the sender on the io thread only. */
    private final AtomicLong seq = new AtomicLong();
    /** The box clock every {@code ts} is read from; a simulated box may skew it. */
    private volatile LongSupplier clock = System::currentTimeMillis;

    /**
     * @param outbox where data messages wait until the broker acknowledged them; the reporter closes it
     *               when it stops
     */
    public MqttReporter(AgentConfig config, String bootId, MessageCodec codec, ReportContent content,
                        Consumer<IncomingCommand> commands, Outbox outbox) {
        this.boxId = config.boxId();
        this.bootId = bootId;
        this.content = content;
        this.io = new IoThread(boxId);
        this.incoming = new IncomingRequests(boxId, codec, commands);
        this.connection = new BrokerConnection(config, bootId, codec, io, this::now, seq, incoming);
        this.sender = new OutboxSender(boxId, bootId, codec, content, outbox, io, connection, this::now, seq);
        connection.onConnected(sender::replayAll);
    }

    /** Where desired configurations go (on Paho's callback thread: hand them off, never block). Set before start. */
    public void onDesired(Consumer<ConfigDesired> handler) {
        incoming.onDesired(handler);
    }

    /** Publishes what the box did with a desired version (through the outbox: kept while disconnected). */
    public CompletableFuture<Optional<AgentMessage>> publishConfigReported(long version, ConfigReported.Result result, String error) {
        return io.call(() -> sender.publishData(Channel.CONFIG_REPORTED, false, s -> new ConfigReported(Protocol.VERSION,
                boxId, now(), bootId, s, version, result, error)));
    }

    /** Reads every message's {@code ts} from this clock (a simulated box's skewed clock). Set before start. */
    public void useClock(LongSupplier boxClock) {
        this.clock = boxClock;
    }

    /**
     * Simulates a hung box (a stopped process) for {@code d}: after what was already handed to this
     * reporter is sent (at most 2 s), nothing more is read or written and the socket stays open, so
     * the broker sees silence and fires the Will when the keep-alive expires. Returns at once; the
     * connection thread is held for {@code d}, then everything goes on (reconnecting if the broker
     * dropped the connection meanwhile).
     */
    public void hang(Duration d) {
        io.post(() -> connection.hang(d));
    }

    /** Starts connecting; returns at once. */
    public void start() {
        io.post(connection::connect);
    }

    public boolean connected() {
        return connection.connected();
    }

    /** The seq of the latest data message published in this boot (0 before the first). */
    public long seq() {
        return seq.get();
    }

    /** The number of the latest connection attempt in this boot. */
    public int conn() {
        return connection.conn();
    }

    /**
     * Makes a status from the latest probe round and publishes it through the outbox: at once when
     * connected, after the next connect (marked historical) when not. The future holds the message
     * made, or empty before the first probe round.
     */
    public CompletableFuture<Optional<StatusMessage>> publishStatus() {
        return io.call(() -> sender.publishData(Channel.STATUS, true, s -> content.status(s, now()).orElse(null))
                .map(StatusMessage.class::cast));
    }

    /** Publishes the birth now (a rebirth); empty while disconnected or replaying: the next connect sends one anyway. */
    public CompletableFuture<Optional<AgentMessage>> publishBirth() {
        return io.call(sender::birthIfLive);
    }

    /** Data messages waiting in the outbox for the broker's acknowledgement. */
    public long outboxWaiting() {
        return sender.waiting();
    }

    /** Messages the outbox dropped unsent (full or too old) since it was created, plus any it could not keep. */
    public long outboxDropped() {
        return sender.dropped();
    }

    /**
     * Answers a command on its MQTT 5 response topic with its correlation data, or on the box's
     * {@code cmd/response} when the request named none; through the outbox, so a reply made while
     * disconnected (or just before a restart) is sent after the next connect.
     */
    public CompletableFuture<Optional<AgentMessage>> reply(IncomingCommand command, boolean ok, JsonNode result, String error) {
        return io.call(() -> {
            String topic = command.responseTopic() != null ? command.responseTopic() : Topics.of(boxId, Channel.CMD_RESPONSE);
            return sender.publishData(topic, false, command.correlationData(), s -> new CommandResponse(Protocol.VERSION,
                    boxId, now(), bootId, s, command.request().id(), ok, ok ? result : null, ok ? null : error));
        });
    }

    /** Clean shutdown: publishes the offline state, then DISCONNECT (so the broker drops the Will). */
    public void stop() {
        if (!connection.markStopping()) {
            return;
        }
        connection.endHang();
        // Reports in flight are acknowledged in a moment; what is not stays in the outbox for the next start.
        io.await(io.post(() -> connection.disconnectCleanly(sender::removeAcknowledged)), 6_000);
        close();
        log.info("{}: stopped", boxId);
    }

    /**
     * Simulated power loss: drops the TCP connection without DISCONNECT, so the broker publishes the
     * Will, and never reconnects.
     */
    public void halt() {
        if (!connection.markStopping()) {
            return;
        }
        connection.endHang();
        io.await(io.post(connection::dropForcibly), 3_000);
        close();
        log.info("{}: halted (connection dropped without DISCONNECT)", boxId);
    }

    private void close() {
        io.shutdown();
        connection.close();
        sender.close();
    }

    private long now() {
        return clock.getAsLong();
    }
}
