package org.syncready.agent.sim;

import java.util.Random;
import org.syncready.agent.probe.StreamProbe;
import org.syncready.protocol.Capability;
import org.syncready.protocol.StreamStatus;

/** The box pushing its class stream at about 4.5 Mbit/s, dropping a frame now and then. */
public final class SimulatedStreamProbe implements StreamProbe {
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
        if (faults.isNetworkDown()) {
            return new StreamStatus(false, target, 0, droppedFrames, "uplink down");
        }
        if (faults.isStreamStopped()) {
            return new StreamStatus(false, target, 0, droppedFrames, "stream stopped");
        }
        if (random.nextInt(10) == 0) {
            droppedFrames++;
        }
        return new StreamStatus(true, target, (int) Math.round(4500 + random.nextGaussian() * 150), droppedFrames, null);
    }
}
