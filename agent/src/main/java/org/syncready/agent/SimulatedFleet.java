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

    /** Stops every agent cleanly (each publishes its offline state). */
    public void stop() {
        stopped = true;
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
