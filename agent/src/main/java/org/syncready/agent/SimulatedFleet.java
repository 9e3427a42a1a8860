package org.syncready.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.agent.config.AgentConfig;

/**
 * Several agents in one JVM, for the demo and for tests: usually simulated boxes, each with its own
 * connection, boot id and fault switchboard. A restart-agent command restarts that one agent in
 * place (new boot id) instead of exiting the JVM.
 */
public final class SimulatedFleet {
    private static final Logger log = LoggerFactory.getLogger(SimulatedFleet.class);

    private final List<String> order = new ArrayList<>();
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    /** Makes agents publish as on a change ({@link #startChanges}); null when none run. */
    private volatile java.util.concurrent.ScheduledExecutorService changes;
    /** Ticks per second of the change timer: changes are spread over the minute. */
    static final int CHANGE_TICKS_PER_S = 10;

    private SimulatedFleet() {
    }

    /** Starts one agent per config, in order; returns without waiting for their connections. */
    public static SimulatedFleet start(List<AgentConfig> configs) {
        SimulatedFleet fleet = new SimulatedFleet();
        for (AgentConfig config : configs) {
            fleet.order.add(config.boxId());
            fleet.launch(config);
        }
        log.info("fleet of {} agents started", configs.size());
        return fleet;
    }

    /** The agents, in the order of the fleet file. */
    public List<Agent> agents() {
        return order.stream().map(agents::get).toList();
    }

    public Optional<Agent> agent(String boxId) {
        return Optional.ofNullable(agents.get(boxId));
    }

    /**
     * From now on {@code sharePerMinute} of the agents (0..1; 0.01 is 1 %) publish a status per minute as
     * on a significant change, spread evenly over the minute, on top of their heartbeat: the message load
     * of report by exception (PROTOCOL.md 5.6) without changing what the boxes report, so the demo's
     * readiness stays as the fleet file says. 0 does nothing.
     */
    public void startChanges(double sharePerMinute) {
        if (sharePerMinute < 0 || sharePerMinute > 1) {
            throw new IllegalArgumentException("sharePerMinute must be 0..1, was " + sharePerMinute);
        }
        if (sharePerMinute == 0 || order.isEmpty()) {
            return;
        }
        double perTick = order.size() * sharePerMinute / (60.0 * CHANGE_TICKS_PER_S);
        double[] owed = {0};
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-changes");
            t.setDaemon(true);
            return t;
        });
        changes = timer;
        timer.scheduleAtFixedRate(() -> {
            owed[0] += perTick;
            while (owed[0] >= 1) {
                owed[0] -= 1;
                Agent a = agents.get(order.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(order.size())));
                if (a != null) {
                    a.publishAsChanged();
                }
            }
        }, 1000 / CHANGE_TICKS_PER_S, 1000 / CHANGE_TICKS_PER_S, java.util.concurrent.TimeUnit.MILLISECONDS);
        log.info("fleet: {} % of {} agents publish as changed per minute", sharePerMinute * 100, order.size());
    }

    /** Stops every agent cleanly (each publishes its offline state). */
    public void stop() {
        stopped = true;
        if (changes != null) {
            changes.shutdownNow();
        }
        agents().parallelStream().forEach(Agent::stop);
    }

    private void launch(AgentConfig config) {
        agents.put(config.boxId(), Agent.start(config, code -> {
            if (!stopped) {
                log.info("{}: restarting in-process (exit code {} would restart a real agent)", config.boxId(), code);
                launch(config);
            }
        }));
    }
}
