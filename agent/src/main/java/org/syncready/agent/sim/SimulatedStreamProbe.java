package org.syncready.agent.sim;

import java.util.Random;
import org.syncready.agent.probe.StreamProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.FaultSet;
import org.syncready.protocol.StreamStatus;

/**
 * The box pushing its class stream at about 4.5 Mbit/s, dropping a frame now and then. Faults read
 * as the real ffmpeg probe reports them: "stopped" is an encoder that is not running (server still
 * reachable), "unreachable" a stream server that does not answer.
 */
public final class SimulatedStreamProbe implements StreamProbe {
    static final String SERVER = "stream.syncready.local:1935";

    private final String target;
    private final SimulatedFaults faults;
    private final Random random;
    private long droppedFrames;

    public SimulatedStreamProbe(String boxId, SimulatedFaults faults, long seed) {
        this.target = "rtmp://stream.syncready.local/live/" + boxId;
        this.faults = faults;
        this.random = new Random(seed);
    }

    @Override
    public Capability capability() {
        return new Capability(true, "simulated");
    }

    @Override
    public synchronized StreamStatus sample() {
        FaultSet f = faults.current();
        if (f.networkDown()) {
            return new StreamStatus(false, target, 0, droppedFrames, "uplink down", false);
        }
        if (f.stream() == FaultSet.StreamFault.UNREACHABLE) {
            return new StreamStatus(false, target, 0, droppedFrames, "stream server " + SERVER + " not reachable", false);
        }
        if (f.stream() == FaultSet.StreamFault.STOPPED) {
            return new StreamStatus(false, target, 0, droppedFrames, "stream stopped: encoder not running", true);
        }
        if (random.nextInt(10) == 0) {
            droppedFrames++;
        }
        return new StreamStatus(true, target, (int) Math.round(Healthy.clamp(4500 + random.nextGaussian() * 150, 4000, 5000)),
                droppedFrames, null, true);
    }
}
