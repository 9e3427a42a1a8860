package org.syncready.agent.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.CameraProbe;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceState;

/** Healthy 1080p25 cameras at about 4 Mbit/s, unless {@link SimulatedFaults} says otherwise. */
public final class SimulatedCameraProbe implements CameraProbe {
    private final List<AgentConfig.Camera> cameras;
    private final SimulatedFaults faults;
    private final Random random;

    public SimulatedCameraProbe(List<AgentConfig.Camera> cameras, SimulatedFaults faults, long seed) {
        this.cameras = List.copyOf(cameras);
        this.faults = faults;
        this.random = new Random(seed);
    }

    @Override
    public Capability capability() {
        return new Capability(true, "simulated");
    }

    @Override
    public synchronized List<CameraStatus> sample() {
        List<CameraStatus> out = new ArrayList<>();
        for (AgentConfig.Camera c : cameras) {
            SimulatedFaults.CameraFault fault = faults.cameraFaultOf(c.id());
            if (fault != null && fault.absent()) {
                out.add(new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.ABSENT,
                        null, null, null, null, null, "not detected"));
            } else if (fault != null) {
                boolean frozen = fault.error().toLowerCase().contains("frozen");
                out.add(new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.FAULT,
                        1920, 1080, frozen ? 25.0 : 0.0, frozen ? 900 : 0, frozen, fault.error()));
            } else {
                double fps = random.nextInt(20) == 0 ? 24.9 : 25.0;
                int kbps = (int) Math.round(4000 + random.nextGaussian() * 120);
                out.add(new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.OK, 1920, 1080, fps, kbps, false, null));
            }
        }
        return out;
    }
}
