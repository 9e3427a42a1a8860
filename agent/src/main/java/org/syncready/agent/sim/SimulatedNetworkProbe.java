package org.syncready.agent.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.NetworkProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;

/** A good school uplink: link up, RTT about 20 ms, no loss, about 20 Mbit/s up, unless faults say otherwise. */
public final class SimulatedNetworkProbe implements NetworkProbe {
    private final List<AgentConfig.Target> targets;
    private final SimulatedFaults faults;
    private final Random random;

    public SimulatedNetworkProbe(List<AgentConfig.Target> targets, SimulatedFaults faults, long seed) {
        this.targets = List.copyOf(targets);
        this.faults = faults;
        this.random = new Random(seed);
    }

    @Override
    public Capability capability() {
        return new Capability(true, "simulated");
    }

    @Override
    public synchronized NetworkStatus sample() {
        List<NetworkTarget> out = new ArrayList<>();
        if (faults.isNetworkDown()) {
            for (AgentConfig.Target t : targets) {
                out.add(new NetworkTarget(t.name(), t.host(), t.port(), false, null, "network is down"));
            }
            return new NetworkStatus("down", "eth0", null, null, 100.0, 0, null, out);
        }
        Double high = faults.highRttMs();
        double base = high != null ? high : 20;
        double spread = high != null ? high * 0.05 : 2;
        double rtt = round1(Math.max(1, base + random.nextGaussian() * spread));
        for (AgentConfig.Target t : targets) {
            out.add(new NetworkTarget(t.name(), t.host(), t.port(), true,
                    round1(Math.max(1, rtt + random.nextGaussian() * spread / 2)), null));
        }
        double jitter = round1((high != null ? high * 0.1 : 1.5) + random.nextDouble());
        int uplink = (int) Math.round(20_000 + random.nextGaussian() * 800);
        double ntp = round1(2 + random.nextGaussian());
        return new NetworkStatus("up", "eth0", rtt, jitter, 0.0, uplink, ntp, out);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
