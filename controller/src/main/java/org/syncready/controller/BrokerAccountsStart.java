package org.syncready.controller;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.syncready.controller.broker.BrokerAccounts;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.mosquitto.MosquittoAccounts;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlFleetStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@code brokerAccounts: mosquitto-dynsec}: the registry keeps each box's account in Mosquitto
 * from now on, and Mosquitto is reconciled with the store once: at start, or, while Mosquitto cannot
 * be reached, every {@link #RETRY} until it can (the controller starts either way; registrations are
 * refused with 503 until Mosquitto answers).
 */
final class BrokerAccountsStart implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerAccountsStart.class);
    /** How long one dynamic-security request may wait for Mosquitto before the API call fails with 503. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(30);

    /** No broker accounts kept: nothing to close. */
    static final BrokerAccountsStart NONE = new BrokerAccountsStart(null);

    /** Null in {@link #NONE}. */
    private final MosquittoAccounts accounts;
    private final ScheduledExecutorService reconciler;

    private BrokerAccountsStart(MosquittoAccounts accounts) {
        this.accounts = accounts;
        this.reconciler = accounts == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-accounts-reconcile");
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link #NONE} when the configuration keeps no broker accounts; {@code nodeId} names this node's own MQTT client. */
    static BrokerAccountsStart start(ControllerConfig config, FleetRegistry registry, Database database, String nodeId) {
        if (config.brokerAccounts() != BrokerAccountsMode.MOSQUITTO_DYNSEC) {
            return NONE;
        }
        String clientId = FleetRegistry.CONTROLLER_CLIENT_PREFIX + "-" + nodeId + "-accounts";
        byte[] password = config.brokerPassword() == null ? new byte[0] : config.brokerPassword().getBytes(StandardCharsets.UTF_8);
        BrokerAccountsStart start = new BrokerAccountsStart(MosquittoAccounts.over(config.brokerUri(), clientId,
                config.brokerUsername(), password, REQUEST_TIMEOUT));
        registry.keepAccountsIn(start.accounts);
        SqlFleetStore store = new SqlFleetStore(database);
        // Read from the store, not the registry: another node may have registered a box since this one loaded it.
        start.reconciler.execute(() -> start.reconcile(() -> store.load().boxes().stream()
                .map(b -> b.box().id()).collect(Collectors.toSet())));
        return start;
    }

    private void reconcile(java.util.function.Supplier<Set<String>> registered) {
        try {
            MosquittoAccounts.Reconciled done = accounts.reconcile(registered);
            // Once per box and start: the registry keeps only hashes, so no account can be made again from it.
            done.missing().forEach(box -> log.warn("box={} has no account in Mosquitto and cannot connect until its secret is "
                    + "rotated (POST /api/v1/boxes/{}/credentials)", box, box));
            log.info("Mosquitto accounts reconciled: {} stale deleted, {} registered boxes without an account",
                    done.deleted().size(), done.missing().size());
        } catch (BrokerAccounts.Unavailable e) {
            log.warn("Mosquitto accounts not reconciled, again in {} s: {}", RETRY.toSeconds(), e.getMessage());
            reconciler.schedule(() -> reconcile(registered), RETRY.toSeconds(), TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            log.error("Mosquitto accounts not reconciled, again in {} s", RETRY.toSeconds(), e);
            reconciler.schedule(() -> reconcile(registered), RETRY.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        if (accounts == null) {
            return;
        }
        reconciler.shutdownNow();
        try {
            reconciler.awaitTermination(REQUEST_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        accounts.close();
    }
}
