package org.syncready.controller.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.syncready.controller.command.BoxCommands;
import org.syncready.controller.fleet.BoxRecord;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.InMemoryFleetStore;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.StateMessage;
import org.syncready.protocol.Protocol;

/**
 * Ingest as in-broker ingest calls it: refused messages (unknown box, malformed) are counted and
 * acknowledged only behind what was queued before them; which topics the broker hands over.
 */
class IngestTest {
    /** A store writer that commits only when told to. */
    static final class HeldSink implements RecordSink {
        final List<BoxRecord> rows = new ArrayList<>();
        final List<Runnable> pending = new ArrayList<>();

        @Override
        public synchronized void put(BoxRecord record) {
            rows.add(record);
        }

        @Override
        public synchronized void afterCommit(Runnable action) {
            pending.add(action);
        }

        synchronized void commit() {
            pending.forEach(Runnable::run);
            pending.clear();
        }
    }

    private final MessageCodec codec = new MessageCodec();
    private final ControllerMetrics metrics = new ControllerMetrics();
    private final HeldSink sink = new HeldSink();
    private final FleetRegistry registry = FleetRegistry.load(new InMemoryFleetStore(), "controller-secret");
    private final Ingest ingest = new Ingest(codec, registry, new LiveFleet(), sink, new BoxCommands(null, codec, 10), metrics);

    private byte[] online(String boxId) {
        return codec.encode(new StateMessage(Protocol.VERSION, boxId, System.currentTimeMillis(), "boot-1", 1, 0,
                StateMessage.Presence.ONLINE));
    }

    @Test
    void anUnknownBoxIsRefusedCountedAndAcknowledgedAfterTheCommit() {
        AtomicInteger acked = new AtomicInteger();
        ingest.onMessage("syncready/v1/box/ghost/state", online("ghost"), false, acked::incrementAndGet);
        assertEquals(1.0, metrics.count("syncready.ingest.rejected", "reason", "unknown_box"));
        assertTrue(sink.rows.isEmpty(), "nothing stored for a box nobody registered");
        assertEquals(0, acked.get(), "acknowledged only behind what was queued before it");
        sink.commit();
        assertEquals(1, acked.get());
    }

    @Test
    void aMalformedPayloadIsRefusedCountedAndStillAcknowledged() {
        AtomicInteger acked = new AtomicInteger();
        ingest.onMessage("syncready/v1/box/b-1/status", "{not json".getBytes(StandardCharsets.UTF_8), false, acked::incrementAndGet);
        ingest.onMessage("syncready/v1/box/b-1/status", new byte[0], false, acked::incrementAndGet);
        assertEquals(1.0, metrics.count("syncready.ingest.rejected", "reason", "bad_json"));
        sink.commit();
        assertEquals(2, acked.get(), "a refused message is acknowledged (a box would resend it forever otherwise)");
        assertTrue(sink.rows.isEmpty());
    }

    @Test
    void theBrokerHandsOverEveryAgentChannelButPresence() {
        assertTrue(Ingest.takenInBroker("syncready/v1/box/b-1/status"));
        assertTrue(Ingest.takenInBroker("syncready/v1/box/b-1/birth"));
        assertTrue(Ingest.takenInBroker("syncready/v1/box/b-1/config/reported"));
        assertTrue(Ingest.takenInBroker("syncready/v1/box/b-1/cmd/response"));
        assertFalse(Ingest.takenInBroker("syncready/v1/box/b-1/state"), "Wills never pass an interceptor: presence stays on the subscription");
        assertFalse(Ingest.takenInBroker("syncready/v1/box/b-1/config/desired"), "the controller's own");
        assertFalse(Ingest.takenInBroker("syncready/v1/box/b-1/cmd/request"));
        assertFalse(Ingest.takenInBroker("syncready/v1/controller/state"));
        assertFalse(Ingest.takenInBroker("other/b-1/status"));
        assertEquals(List.of("syncready/v1/box/+/state"), Ingest.presenceFilters(null));
    }

    @Test
    void severalNodesShareEveryChannelButCommandResponsesWhichEveryNodeTakes() {
        List<String> shared = Ingest.filters("syncready");
        assertTrue(shared.contains("syncready/v1/box/+/cmd/response"), shared.toString());
        assertTrue(shared.contains("$share/syncready/syncready/v1/box/+/status"), shared.toString());
        assertEquals(1, shared.stream().filter(f -> !f.startsWith("$share/")).count(), shared.toString());
        assertTrue(Ingest.filters(null).stream().noneMatch(f -> f.startsWith("$share/")));
    }
}
