package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The faults a simulated box is switched into: what the {@code simulate} command (PROTOCOL.md §6.3)
 * changes and answers with, and what a fleet file's {@code simulation.faults} starts a box with.
 * Anything not set here reads healthy. A figure that is set is what the box reports, exactly (no
 * noise), so a test knows on which side of a threshold it lands. Immutable; build one with
 * {@link FaultChange#applyTo}.
 *
 * @param cameras       camera id → fault; cameras not listed are healthy
 * @param microphones   microphone id → fault
 * @param networkDown   link down, nothing reachable, no stream
 * @param uplinkKbps    the uplink the box measures, kbit/s
 * @param rttMs         the round-trip time to the controller, ms
 * @param jitterMs      the jitter of those round trips, ms
 * @param lossPct       the packet loss to the controller, percent
 * @param clockOffsetMs how far the box clock is ahead (negative: behind): every {@code ts} the box sends
 *                      is skewed by it, and {@code ntpOffsetMs} shows it
 * @param diskFreeMb    free space on the recording disk, MB
 * @param stream        what is wrong with the class stream
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record FaultSet(Map<String, CameraFault> cameras, Map<String, MicrophoneFault> microphones,
                       @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean networkDown,
                       Integer uplinkKbps, Double rttMs, Double jitterMs, Double lossPct,
                       Long clockOffsetMs, Long diskFreeMb, StreamFault stream) {

    /** A healthy box. */
    public static final FaultSet NONE = new FaultSet(null, null, false, null, null, null, null, null, null, null);

    public FaultSet {
        cameras = sorted(cameras);
        microphones = sorted(microphones);
    }

    /** What a camera delivers instead of a picture. */
    public enum CameraFault {
        /** Not detected at all (unplugged, not answering). */
        ABSENT,
        /** Present, no usable video (no frames, refused). */
        FAULT,
        /** Sends frames, but the picture does not change. */
        FROZEN,
        /** Sends frames, but the picture is black. */
        BLACK;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static CameraFault of(String value) {
            return Enums.parse(CameraFault.class, value, "cameras.*");
        }
    }

    /** What a microphone picks up instead of the classroom. */
    public enum MicrophoneFault {
        /** No signal (dead channel, unplugged). */
        SILENT,
        /** Peaks at full scale (gain too high). */
        CLIPPING,
        /** Muted by its switch or the mixer. */
        MUTED;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static MicrophoneFault of(String value) {
            return Enums.parse(MicrophoneFault.class, value, "microphones.*");
        }
    }

    /** What is wrong with the class stream. */
    public enum StreamFault {
        /** The encoder is not running: nothing is pushed, the stream server is fine. */
        STOPPED,
        /** The encoder runs, but the stream server does not answer (stream targets unreachable too). */
        UNREACHABLE;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static StreamFault of(String value) {
            return Enums.parse(StreamFault.class, value, "stream");
        }
    }

    /** Whether nothing is faulted. */
    public boolean healthy() {
        return equals(NONE);
    }

    /** One line per fault, for logs and answers, e.g. {@code camera cam-teacher: frozen}, {@code rtt 250.0 ms}. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        cameras.forEach((id, f) -> out.add("camera " + id + ": " + f));
        microphones.forEach((id, f) -> out.add("microphone " + id + ": " + f));
        if (networkDown) {
            out.add("network: down");
        }
        if (uplinkKbps != null) {
            out.add("uplink " + uplinkKbps + " kbit/s");
        }
        if (rttMs != null) {
            out.add("rtt " + rttMs + " ms");
        }
        if (jitterMs != null) {
            out.add("jitter " + jitterMs + " ms");
        }
        if (lossPct != null) {
            out.add("loss " + lossPct + " %");
        }
        if (clockOffsetMs != null) {
            out.add("clock offset " + clockOffsetMs + " ms");
        }
        if (diskFreeMb != null) {
            out.add("disk free " + diskFreeMb + " MB");
        }
        if (stream != null) {
            out.add("stream: " + stream);
        }
        return out;
    }

    /** A copy with one camera's fault set, or cleared when {@code fault} is null. */
    public FaultSet withCamera(String id, CameraFault fault) {
        Map<String, CameraFault> next = new TreeMap<>(cameras);
        if (fault == null) {
            next.remove(id);
        } else {
            next.put(id, fault);
        }
        return new FaultSet(next, microphones, networkDown, uplinkKbps, rttMs, jitterMs, lossPct, clockOffsetMs, diskFreeMb, stream);
    }

    /** A copy with one microphone's fault set, or cleared when {@code fault} is null. */
    public FaultSet withMicrophone(String id, MicrophoneFault fault) {
        Map<String, MicrophoneFault> next = new TreeMap<>(microphones);
        if (fault == null) {
            next.remove(id);
        } else {
            next.put(id, fault);
        }
        return new FaultSet(cameras, next, networkDown, uplinkKbps, rttMs, jitterMs, lossPct, clockOffsetMs, diskFreeMb, stream);
    }

    /** A copy with the network faults (down, uplink, RTT, jitter, loss) replaced. */
    public FaultSet withNetwork(boolean down, Integer uplink, Double rtt, Double jitter, Double loss) {
        return new FaultSet(cameras, microphones, down, uplink, rtt, jitter, loss, clockOffsetMs, diskFreeMb, stream);
    }

    public FaultSet withClockOffsetMs(Long offset) {
        return new FaultSet(cameras, microphones, networkDown, uplinkKbps, rttMs, jitterMs, lossPct, offset, diskFreeMb, stream);
    }

    public FaultSet withDiskFreeMb(Long free) {
        return new FaultSet(cameras, microphones, networkDown, uplinkKbps, rttMs, jitterMs, lossPct, clockOffsetMs, free, stream);
    }

    public FaultSet withStream(StreamFault fault) {
        return new FaultSet(cameras, microphones, networkDown, uplinkKbps, rttMs, jitterMs, lossPct, clockOffsetMs, diskFreeMb, fault);
    }

    private static <V> SortedMap<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableSortedMap(map == null ? new TreeMap<>() : new TreeMap<>(map));
    }
}
