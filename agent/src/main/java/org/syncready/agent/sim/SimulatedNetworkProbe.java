package org.syncready.agent.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.NetworkProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.NetworkTarget;

/**
 * A good school uplink: link up, RTT about 20 ms, no loss, about 20 Mbit/s up, the clock within a few
 * ms of NTP, all inside {@link Healthy}'s bounds, unless faults say otherwise. Each network fault is
 * independent: an RTT fault leaves jitter and loss healthy, and so on. A faulted figure is reported
 * exactly as set. A stream fault "unreachable" makes every target whose name starts with
 * {@code stream} unreachable. The periodic figures (uplink, NTP) count as measured every round.
 */
public final class SimulatedNetworkProbe implements NetworkProbe {
    static final String STREAM_TARGET_PREFIX = "stream";

    private final List<AgentConfig.Target> targets;
    private final SimulatedFaults faults;
    private final LongSupplier clockMs;
    private final Random random;

    public SimulatedNetworkProbe(List<AgentConfig.Target> targets, SimulatedFaults faults, long seed) {
        this(targets, faults, System::currentTimeMillis, seed);
    }

    public SimulatedNetworkProbe(List<AgentConfig.Target> targets, SimulatedFaults faults, LongSupplier clockMs, long seed) {
        this.targets = List.copyOf(targets);
        this.faults = faults;
        this.clockMs = clockMs;
        this.random = new Random(seed);
    }

    @Override
    public Capability capability() {
        return new Capability(true, "simulated");
    }

    @Override
    public synchronized NetworkStatus sample() {
        FaultSet f = faults.current();
        List<NetworkTarget> out = new ArrayList<>();
        if (f.networkDown()) {
            for (AgentConfig.Target t : targets) {
                out.add(new NetworkTarget(t.name(), t.host(), t.port(), false, null, "network is down"));
            }
            return new NetworkStatus("down", "eth0", null, null, 100.0, 0, null, out);
        }
        double rtt = f.rttMs() != null ? f.rttMs()
                : Healthy.round1(Healthy.clamp(20 + random.nextGaussian() * 3, Healthy.RTT_MIN_MS, Healthy.RTT_MAX_MS));
        boolean streamUnreachable = f.stream() == FaultSet.StreamFault.UNREACHABLE;
        for (AgentConfig.Target t : targets) {
            if (streamUnreachable && t.name().startsWith(STREAM_TARGET_PREFIX)) {
                out.add(new NetworkTarget(t.name(), t.host(), t.port(), false, null, "connect timed out"));
            } else {
                out.add(new NetworkTarget(t.name(), t.host(), t.port(), true,
                        Healthy.round1(Math.max(1, rtt + random.nextGaussian())), null));
            }
        }
        double jitter = f.jitterMs() != null ? f.jitterMs()
                : Healthy.round1(Healthy.clamp(1.5 + Math.abs(random.nextGaussian()), Healthy.JITTER_MIN_MS, Healthy.JITTER_MAX_MS));
        double loss = f.lossPct() != null ? f.lossPct() : 0.0;
        int uplink = f.uplinkKbps() != null ? f.uplinkKbps()
                : (int) Math.round(Healthy.clamp(20_000 + random.nextGaussian() * 800, Healthy.UPLINK_MIN_KBPS, Healthy.UPLINK_MAX_KBPS));
        double skew = faults.clockOffsetMs();
        double ntp = Healthy.round1(skew + Healthy.clamp(2 + random.nextGaussian() * 3, -Healthy.NTP_MAX_MS, Healthy.NTP_MAX_MS));
        // Measured on the box clock, which a clock fault skews like every ts the box sends.
        long measuredAt = clockMs.getAsLong() + faults.clockOffsetMs();
        return new NetworkStatus("up", "eth0", rtt, jitter, loss, uplink, ntp, out, measuredAt, measuredAt);
    }
}
