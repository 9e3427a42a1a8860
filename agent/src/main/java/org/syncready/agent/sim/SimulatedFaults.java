package org.syncready.agent.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switchboard of a simulated box: tests and the demo switch faults on and off here, and the
 * simulated probes read it. Thread-safe. Every switch notifies the listeners (the agent re-probes and
 * reports at once), so a fault shows up without waiting for the next probe round. A device has at
 * most one fault at a time: switching a new one replaces the old one.
 */
public final class SimulatedFaults {
    private static final Logger log = LoggerFactory.getLogger(SimulatedFaults.class);

    enum MicrophoneFault { SILENT, CLIPPING, MUTED }

    /** {@code error} is null when the camera is absent rather than faulty. */
    record CameraFault(boolean absent, String error) {
    }

    private final Set<String> cameraIds;
    private final Set<String> microphoneIds;
    private final Map<String, CameraFault> cameras = new ConcurrentHashMap<>();
    private final Map<String, MicrophoneFault> microphones = new ConcurrentHashMap<>();
    private volatile boolean networkDown;
    private volatile Double highRttMs;
    private volatile boolean streamStopped;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Faults for a box with these devices; switching a fault on an unknown id is refused. */
    public SimulatedFaults(Collection<String> cameraIds, Collection<String> microphoneIds) {
        this.cameraIds = Set.copyOf(cameraIds);
        this.microphoneIds = Set.copyOf(microphoneIds);
    }

    /** Called after every switch, on the switching thread. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The camera delivers no usable picture; {@code error} says why (e.g. "no signal", "frozen picture"). */
    public void cameraFault(String cameraId, String error) {
        cameras.put(camera(cameraId), new CameraFault(false, error == null || error.isBlank() ? "fault" : error));
        changed();
    }

    /** The camera is gone (unplugged, not answering on the network). */
    public void cameraAbsent(String cameraId) {
        cameras.put(camera(cameraId), new CameraFault(true, null));
        changed();
    }

    /** The microphone delivers no signal. */
    public void microphoneSilent(String microphoneId) {
        microphones.put(microphone(microphoneId), MicrophoneFault.SILENT);
        changed();
    }

    /** The microphone's signal hits full scale. */
    public void microphoneClipping(String microphoneId) {
        microphones.put(microphone(microphoneId), MicrophoneFault.CLIPPING);
        changed();
    }

    /** The microphone is muted (a switch on the device or the mixer). */
    public void microphoneMuted(String microphoneId) {
        microphones.put(microphone(microphoneId), MicrophoneFault.MUTED);
        changed();
    }

    /** The uplink is down: link down, no target reachable. */
    public void networkDown() {
        networkDown = true;
        changed();
    }

    /** The uplink works but round trips take about {@code ms}. */
    public void highRtt(double ms) {
        if (!(ms > 0)) {
            throw new IllegalArgumentException("rtt must be > 0 ms, was " + ms);
        }
        highRttMs = ms;
        changed();
    }

    /** The box stops pushing its class stream. */
    public void streamStopped() {
        streamStopped = true;
        changed();
    }

    /** Clears every fault of one camera or microphone. */
    public void clear(String deviceId) {
        if (!cameraIds.contains(deviceId) && !microphoneIds.contains(deviceId)) {
            throw unknown("device", deviceId, union());
        }
        cameras.remove(deviceId);
        microphones.remove(deviceId);
        changed();
    }

    /** Clears network down and high RTT. */
    public void clearNetwork() {
        networkDown = false;
        highRttMs = null;
        changed();
    }

    public void clearStream() {
        streamStopped = false;
        changed();
    }

    public void clearAll() {
        cameras.clear();
        microphones.clear();
        networkDown = false;
        highRttMs = null;
        streamStopped = false;
        changed();
    }

    /** The faults switched on now, one line each, e.g. {@code "camera cam-teacher: no signal"}. */
    public List<String> active() {
        List<String> out = new ArrayList<>();
        new TreeMap<>(cameras).forEach((id, f) -> out.add("camera " + id + ": " + (f.absent() ? "absent" : f.error())));
        new TreeMap<>(microphones).forEach((id, f) -> out.add("microphone " + id + ": " + f.name().toLowerCase()));
        if (networkDown) {
            out.add("network: down");
        }
        if (highRttMs != null) {
            out.add("network: rtt " + highRttMs + " ms");
        }
        if (streamStopped) {
            out.add("stream: stopped");
        }
        return out;
    }

    CameraFault cameraFaultOf(String id) {
        return cameras.get(id);
    }

    MicrophoneFault microphoneFaultOf(String id) {
        return microphones.get(id);
    }

    boolean isNetworkDown() {
        return networkDown;
    }

    Double highRttMs() {
        return highRttMs;
    }

    boolean isStreamStopped() {
        return streamStopped;
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

    private List<String> union() {
        List<String> all = new ArrayList<>(cameraIds);
        all.addAll(microphoneIds);
        return all.stream().sorted().toList();
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
