package org.syncready.agent.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.syncready.agent.config.AgentConfig;
import org.syncready.agent.probe.CameraProbe;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.Capability;
import org.syncready.protocol.DeviceState;
import org.syncready.protocol.FaultSet;

/**
 * Healthy 1080p25 cameras at about 4 Mbit/s, unless {@link SimulatedFaults} says otherwise. A faulty
 * camera reads as the real probe reports it: frozen and black pictures still arrive at 25 fps (state
 * {@code fault}, {@code frozen}/{@code black} set), a camera with no video has no frame rate, an absent
 * one no figures at all.
 */
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
        FaultSet now = faults.current();
        List<CameraStatus> out = new ArrayList<>();
        for (AgentConfig.Camera c : cameras) {
            FaultSet.CameraFault fault = now.cameras().get(c.id());
            String custom = faults.cameraError(c.id());
            if (fault == null) {
                double fps = random.nextInt(20) == 0 ? 24.9 : 25.0;
                int kbps = (int) Math.round(Healthy.clamp(4000 + random.nextGaussian() * 120, 3600, 4400));
                out.add(new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.OK, 1920, 1080, fps, kbps, false, null));
                continue;
            }
            out.add(switch (fault) {
                case ABSENT -> new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.ABSENT,
                        null, null, null, null, null, custom == null ? "not detected" : custom);
                case FAULT -> new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.FAULT,
                        1920, 1080, 0.0, 0, false, custom == null ? "no video: the camera sends no frames" : custom);
                case FROZEN -> new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.FAULT, 1920, 1080, 25.0, 900, true,
                        custom == null ? "picture frozen" : custom, null, false, null, null);
                case BLACK -> new CameraStatus(c.id(), c.role(), c.kind(), DeviceState.FAULT, 1920, 1080, 25.0, 300, false,
                        custom == null ? "picture black" : custom, null, true, null, null);
            });
        }
        return out;
    }
}
