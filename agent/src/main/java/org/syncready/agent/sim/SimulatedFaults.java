package org.syncready.agent.sim;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.protocol.FaultChange;
import org.syncready.protocol.FaultSet;

/**
 * The switchboard of a simulated box: the {@code simulate} command, the fleet file's
 * {@code simulation.faults}, tests and the demo switch faults on and off here, and the simulated
 * probes read it. The state is one immutable {@link FaultSet}, swapped atomically, so a probe round
 * never sees half a change. Every switch notifies the listeners (the agent re-probes and reports at
 * once). A device has at most one fault at a time: switching a new one replaces the old one.
 * Thread-safe.
 */
public final class SimulatedFaults {
    private static final Logger log = LoggerFactory.getLogger(SimulatedFaults.class);

    private final Set<String> cameraIds;
    private final Set<String> microphoneIds;
    private volatile FaultSet faults = FaultSet.NONE;
    /** Camera id → the error text a test gave with {@link #cameraFault}, shown instead of the standard one. */
    private final Map<String, String> cameraErrors = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Faults for a box with these devices, all healthy; a fault on an unknown id is refused. */
    public SimulatedFaults(Collection<String> cameraIds, Collection<String> microphoneIds) {
        this(cameraIds, microphoneIds, FaultSet.NONE);
    }

    /** Faults for a box with these devices, starting with {@code initial} (the fleet file's simulation.faults). */
    public SimulatedFaults(Collection<String> cameraIds, Collection<String> microphoneIds, FaultSet initial) {
        this.cameraIds = Set.copyOf(cameraIds);
        this.microphoneIds = Set.copyOf(microphoneIds);
        for (String id : initial.cameras().keySet()) {
            camera(id);
        }
        for (String id : initial.microphones().keySet()) {
            microphone(id);
        }
        this.faults = initial;
    }

    /** Called after every switch, on the switching thread. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The faults switched on now. */
    public FaultSet current() {
        return faults;
    }

    /**
     * Applies a change (the {@code simulate} command's args) and returns the faults it leads to. An
     * empty change changes nothing and notifies nobody.
     *
     * @throws FaultChange.InvalidFaults when it names a device this box does not have; nothing changes then
     */
    public FaultSet apply(FaultChange change) {
        synchronized (this) {
            FaultSet before = faults;
            FaultSet after = change.applyTo(before, cameraIds, microphoneIds);
            faults = after;
            after.cameras().keySet().forEach(id -> {
                if (before.cameras().get(id) != after.cameras().get(id)) {
                    cameraErrors.remove(id);
                }
            });
            cameraErrors.keySet().retainAll(after.cameras().keySet());
            if (after.equals(before)) {
                return after;
            }
        }
        changed();
        return faults;
    }

    /**
     * The camera delivers no usable picture; {@code error} says why (e.g. "no signal"). An error
     * mentioning "frozen" or "black" switches that fault.
     */
    public void cameraFault(String cameraId, String error) {
        String text = error == null || error.isBlank() ? null : error;
        String lower = text == null ? "" : text.toLowerCase(java.util.Locale.ROOT);
        FaultSet.CameraFault fault = lower.contains("frozen") ? FaultSet.CameraFault.FROZEN
                : lower.contains("black") ? FaultSet.CameraFault.BLACK : FaultSet.CameraFault.FAULT;
        String id = camera(cameraId);
        synchronized (this) {
            faults = faults.withCamera(id, fault);
            if (text == null) {
                cameraErrors.remove(id);
            } else {
                cameraErrors.put(id, text);
            }
        }
        changed();
    }

    /** The camera is gone (unplugged, not answering on the network). */
    public void cameraAbsent(String cameraId) {
        String id = camera(cameraId);
        update(f -> f.withCamera(id, FaultSet.CameraFault.ABSENT));
    }

    /** The microphone delivers no signal. */
    public void microphoneSilent(String microphoneId) {
        String id = microphone(microphoneId);
        update(f -> f.withMicrophone(id, FaultSet.MicrophoneFault.SILENT));
    }

    /** The microphone's signal hits full scale. */
    public void microphoneClipping(String microphoneId) {
        String id = microphone(microphoneId);
        update(f -> f.withMicrophone(id, FaultSet.MicrophoneFault.CLIPPING));
    }

    /** The microphone is muted (a switch on the device or the mixer). */
    public void microphoneMuted(String microphoneId) {
        String id = microphone(microphoneId);
        update(f -> f.withMicrophone(id, FaultSet.MicrophoneFault.MUTED));
    }

    /** The uplink is down: link down, no target reachable. */
    public void networkDown() {
        update(f -> f.withNetwork(true, f.uplinkKbps(), f.rttMs(), f.jitterMs(), f.lossPct()));
    }

    /** The uplink works but round trips take about {@code ms}. */
    public void highRtt(double ms) {
        if (!(ms > 0)) {
            throw new IllegalArgumentException("rtt must be > 0 ms, was " + ms);
        }
        update(f -> f.withNetwork(f.networkDown(), f.uplinkKbps(), ms, f.jitterMs(), f.lossPct()));
    }

    /** The box stops pushing its class stream. */
    public void streamStopped() {
        update(f -> f.withStream(FaultSet.StreamFault.STOPPED));
    }

    /** Clears every fault of one camera or microphone. */
    public void clear(String deviceId) {
        if (!cameraIds.contains(deviceId) && !microphoneIds.contains(deviceId)) {
            throw new IllegalArgumentException("no simulated device '" + deviceId + "'; known: "
                    + java.util.stream.Stream.concat(cameraIds.stream(), microphoneIds.stream()).sorted().toList());
        }
        cameraErrors.remove(deviceId);
        update(f -> f.withCamera(deviceId, null).withMicrophone(deviceId, null));
    }

    /** Clears every network fault: down, uplink, RTT, jitter, loss. */
    public void clearNetwork() {
        update(f -> f.withNetwork(false, null, null, null, null));
    }

    public void clearStream() {
        update(f -> f.withStream(null));
    }

    public void clearAll() {
        cameraErrors.clear();
        update(f -> FaultSet.NONE);
    }

    /** The faults switched on now, one line each, e.g. {@code "camera cam-teacher: frozen"}. */
    public List<String> active() {
        return faults.describe();
    }

    /** How far the simulated box clock is ahead of real time, ms (0 when not faulted). */
    public long clockOffsetMs() {
        Long offset = faults.clockOffsetMs();
        return offset == null ? 0 : offset;
    }

    /** The error text a test gave for a faulty camera, or null for the standard one. */
    String cameraError(String id) {
        return cameraErrors.get(id);
    }

    private void update(UnaryOperator<FaultSet> change) {
        synchronized (this) {
            faults = change.apply(faults);
        }
        changed();
    }

    private String camera(String id) {
        if (!cameraIds.contains(id)) {
            throw unknown("camera", id, cameraIds);
        }
        return id;
    }

    private String microphone(String id) {
        if (!microphoneIds.contains(id)) {
            throw unknown("microphone", id, microphoneIds);
        }
        return id;
    }

    private static IllegalArgumentException unknown(String what, String id, Collection<String> known) {
        return new IllegalArgumentException("no simulated " + what + " '" + id + "'; known: " + known.stream().sorted().toList());
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("fault listener failed: {}", e.toString());
            }
        }
    }
}
