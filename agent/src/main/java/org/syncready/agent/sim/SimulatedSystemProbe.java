package org.syncready.agent.sim;

import java.util.Random;
import org.syncready.agent.probe.Probe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.SystemStatus;

/**
 * The machine a simulated box runs on, with a simulated recording disk: CPU, memory, temperature and
 * uptime come from the real system probe, free disk space is a roomy recording disk (inside
 * {@link Healthy}'s bounds) or the {@code diskFreeMb} fault. The build machine's own disk must not
 * decide whether a simulated classroom can record.
 */
public final class SimulatedSystemProbe implements Probe<SystemStatus> {
    private final Probe<SystemStatus> host;
    private final SimulatedFaults faults;
    private final Random random;
    private long diskFreeMb;

    public SimulatedSystemProbe(Probe<SystemStatus> host, SimulatedFaults faults, long seed) {
        this.host = host;
        this.faults = faults;
        this.random = new Random(seed);
        this.diskFreeMb = Healthy.DISK_MIN_MB + (long) (random.nextDouble() * (Healthy.DISK_MAX_MB - Healthy.DISK_MIN_MB));
    }

    @Override
    public String name() {
        return host.name();
    }

    @Override
    public Capability capability() {
        Capability real = host.capability();
        return new Capability(real.available(), (real.detail() == null ? "" : real.detail() + "; ") + "simulated recording disk");
    }

    @Override
    public synchronized SystemStatus sample() throws Exception {
        SystemStatus real = host.sample();
        FaultSet f = faults.current();
        // A recording box's free space drifts by recordings written and deleted.
        diskFreeMb = (long) Healthy.clamp(diskFreeMb + Math.round(random.nextGaussian() * 50), Healthy.DISK_MIN_MB, Healthy.DISK_MAX_MB);
        long disk = f.diskFreeMb() != null ? f.diskFreeMb() : diskFreeMb;
        return new SystemStatus(real.cpuPct(), real.memPct(), disk, real.tempC(), real.uptimeS());
    }
}
