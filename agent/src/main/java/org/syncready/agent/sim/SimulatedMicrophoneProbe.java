package org.syncready.agent.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.MicrophoneProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.MicrophoneStatus;

/**
 * Microphones picking up a classroom: level around −30 dBFS with some noise, peaks 8–14 dB above.
 * The configured flaky microphone goes silent for the last third of every period, counted from the
 * probe's creation, so a demo shows it drop out and come back within a minute without anyone
 * touching the fault switchboard.
 */
public final class SimulatedMicrophoneProbe implements MicrophoneProbe {
    static final String SILENT_ERROR = "silent: no signal above -60 dBFS";

    private final List<AgentConfig.Microphone> microphones;
    private final AgentConfig.FlakyMicrophone flaky;
    private final SimulatedFaults faults;
    private final LongSupplier clockMs;
    private final long startMs;
    private final Random random;

    public SimulatedMicrophoneProbe(List<AgentConfig.Microphone> microphones, AgentConfig.FlakyMicrophone flaky,
                                    SimulatedFaults faults, LongSupplier clockMs, long seed) {
        this.microphones = List.copyOf(microphones);
        this.flaky = flaky;
        this.faults = faults;
        this.clockMs = clockMs;
        this.startMs = clockMs.getAsLong();
        this.random = new Random(seed);
    }

    @Override
    public Capability capability() {
        return new Capability(true, "simulated");
    }

    @Override
    public synchronized List<MicrophoneStatus> sample() {
        FaultSet now = faults.current();
        List<MicrophoneStatus> out = new ArrayList<>();
        for (AgentConfig.Microphone m : microphones) {
            FaultSet.MicrophoneFault fault = now.microphones().get(m.id());
            if (fault == null && flakyIsSilent(m.id())) {
                fault = FaultSet.MicrophoneFault.SILENT;
            }
            // As the real capture probe reports them: silence is a fault with muted set (no signal at all).
            out.add(fault == null ? healthy(m) : switch (fault) {
                case SILENT -> new MicrophoneStatus(m.id(), m.role(), DeviceState.FAULT,
                        round1(-90 + random.nextGaussian()), round1(-84 + random.nextGaussian()), true, false, SILENT_ERROR);
                case CLIPPING -> new MicrophoneStatus(m.id(), m.role(), DeviceState.DEGRADED,
                        round1(-4 + random.nextGaussian()), 0.0, false, true, "clipping: peaks at full scale");
                case MUTED -> new MicrophoneStatus(m.id(), m.role(), DeviceState.DEGRADED,
                        null, null, true, false, "muted");
            });
        }
        return out;
    }

    private MicrophoneStatus healthy(AgentConfig.Microphone m) {
        double level = Math.max(-45, Math.min(-18, -30 + random.nextGaussian() * 2.5));
        double peak = level + 8 + random.nextDouble() * 6;
        return new MicrophoneStatus(m.id(), m.role(), DeviceState.OK, round1(level), round1(peak), false, false, null);
    }

    private boolean flakyIsSilent(String id) {
        if (flaky == null || !flaky.id().equals(id)) {
            return false;
        }
        long periodMs = flaky.periodS() * 1000L;
        long phase = Math.floorMod(clockMs.getAsLong() - startMs, periodMs);
        return phase >= periodMs * 2 / 3;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
