package org.syncready.controller;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.syncready.controller.cluster.ClusterRefresh;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.TermStore;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlChangeFeed;
import org.syncready.protocol.MessageCodec;

/**
 * Several controller nodes on one PostgreSQL store (docs/SCALE.md, "Several nodes"): what each node
 * reads again when another changed it, every {@link #EVERY}: the registry, the schedule (terms first,
 * sessions name them), the rollouts, and the live fleet's rows, each box then judged again by the live
 * readiness sweep and shown on the console's live pages.
 */
final class ClusterStart {
    /** How often a node reads what the others changed: the "within 2 s" of the issue, with room for the read. */
    static final Duration EVERY = Duration.ofSeconds(1);

    record Parts(FleetRegistry registry, LiveFleet fleet, SessionStore sessions, TermStore terms, Rollouts rollouts) {
    }

    private ClusterStart() {
    }

    /** {@code self}: this node's connections' application name; {@code touched}: told each box whose row changed. */
    static ClusterRefresh refresh(String self, Database database, Parts parts, MessageCodec codec, Consumer<String> touched) {
        // A box registered on another node may send before the next look: ingest asks the store then.
        parts.registry().lookUpUnknownBoxesInStore();
        return new ClusterRefresh(self, new SqlChangeFeed(database), Map.of(
                "fleet", parts.registry()::reload,
                "schedule", () -> {
                    parts.terms().reload();
                    parts.sessions().reload();
                },
                "rollouts", parts.rollouts()::reloadSoon),
                rows -> {
                    parts.fleet().adopt(rows, codec);
                    rows.forEach(r -> touched.accept(r.boxId()));
                }).start(EVERY);
    }
}
