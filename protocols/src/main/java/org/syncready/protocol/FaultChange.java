package org.syncready.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The arguments of a {@code simulate} command (PROTOCOL.md §6.3), read and checked: which faults to
 * switch on or off, and an optional hang. A change is a patch: a field that is present sets its fault
 * ({@code null}, {@code "ok"} or {@code false} clears it), a field that is absent leaves it alone, and
 * {@code reset: true} clears everything first. Unlike other arguments, unknown field names are refused,
 * so a misspelt fault never silently does nothing. Every problem is reported at once.
 */
public final class FaultChange {
    /** Every field a change may have, in documentation order. */
    public static final List<String> FIELDS = List.of("reset", "cameras", "microphones", "networkDown", "uplinkKbps",
            "rttMs", "jitterMs", "lossPct", "clockOffsetMs", "diskFreeMb", "stream", "hangS");
    /** The longest hang one command may ask for. */
    public static final int MAX_HANG_S = 3600;

    private static final long MAX_CLOCK_OFFSET_MS = 366L * 24 * 3600 * 1000;

    /** One thing wrong with a change: the JSON pointer of the offending value and what is wrong. */
    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** A change that cannot be applied; lists every problem. */
    public static final class InvalidFaults extends IllegalArgumentException {
        private final transient List<Problem> problems;

        public InvalidFaults(List<Problem> problems) {
            super(join(problems));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }

        private static String join(List<Problem> problems) {
            StringBuilder s = new StringBuilder();
            for (Problem p : problems) {
                s.append(s.length() == 0 ? "" : "; ").append(p);
            }
            return s.toString();
        }
    }

    private final boolean reset;
    /** Camera id → fault; a null value clears. */
    private final Map<String, FaultSet.CameraFault> cameras;
    private final Map<String, FaultSet.MicrophoneFault> microphones;
    /** Scalar field → new value (null clears); only the fields present in the arguments. */
    private final Map<String, Object> scalars;
    private final Integer hangS;

    private FaultChange(boolean reset, Map<String, FaultSet.CameraFault> cameras,
                        Map<String, FaultSet.MicrophoneFault> microphones, Map<String, Object> scalars, Integer hangS) {
        this.reset = reset;
        this.cameras = Collections.unmodifiableMap(cameras);
        this.microphones = Collections.unmodifiableMap(microphones);
        this.scalars = Collections.unmodifiableMap(scalars);
        this.hangS = hangS;
    }

    /**
     * Reads a change; {@code null}, a JSON null or {@code {}} is the empty change (which only asks for
     * the current faults).
     *
     * @throws InvalidFaults naming every unknown field, wrong type and value out of range
     */
    public static FaultChange parse(JsonNode args) {
        List<Problem> problems = new ArrayList<>();
        Map<String, FaultSet.CameraFault> cameras = new TreeMap<>();
        Map<String, FaultSet.MicrophoneFault> microphones = new TreeMap<>();
        Map<String, Object> scalars = new LinkedHashMap<>();
        boolean reset = false;
        Integer hang = null;
        if (args == null || args.isNull() || args.isMissingNode()) {
            return new FaultChange(false, cameras, microphones, scalars, null);
        }
        if (!args.isObject()) {
            throw new InvalidFaults(List.of(new Problem("/", "must be a JSON object of faults, e.g. {\"rttMs\": 250}")));
        }
        for (Map.Entry<String, JsonNode> e : args.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            String at = "/" + name;
            switch (name) {
                case "reset" -> {
                    if (v.isBoolean()) {
                        reset = v.booleanValue();
                    } else if (!v.isNull()) {
                        problems.add(new Problem(at, "must be true or false"));
                    }
                }
                case "cameras" -> devices(v, at, "absent, fault, frozen, black or ok", FaultSet.CameraFault::valueOf,
                        FaultSet.CameraFault.values(), cameras, problems);
                case "microphones" -> devices(v, at, "silent, clipping, muted or ok", FaultSet.MicrophoneFault::valueOf,
                        FaultSet.MicrophoneFault.values(), microphones, problems);
                case "networkDown" -> {
                    if (v.isBoolean() || v.isNull()) {
                        scalars.put(name, v.isBoolean() && v.booleanValue());
                    } else {
                        problems.add(new Problem(at, "must be true or false"));
                    }
                }
                case "uplinkKbps" -> integer(v, at, 0, 10_000_000, "kbit/s").ifValid(scalars, name, problems, Long::intValue);
                case "clockOffsetMs" -> integer(v, at, -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, "ms (at most a year either way)")
                        .ifValid(scalars, name, problems, x -> x);
                case "diskFreeMb" -> integer(v, at, 0, 1_000_000_000L, "MB").ifValid(scalars, name, problems, x -> x);
                case "rttMs" -> number(v, at, 0.1, 60_000, "ms").ifValid(scalars, name, problems, x -> x);
                case "jitterMs" -> number(v, at, 0, 60_000, "ms").ifValid(scalars, name, problems, x -> x);
                case "lossPct" -> number(v, at, 0, 100, "%").ifValid(scalars, name, problems, x -> x);
                case "stream" -> {
                    if (v.isNull() || v.isTextual() && v.textValue().equals("ok")) {
                        scalars.put(name, null);
                    } else if (v.isTextual() && (v.textValue().equals("stopped") || v.textValue().equals("unreachable"))) {
                        scalars.put(name, FaultSet.StreamFault.of(v.textValue()));
                    } else {
                        problems.add(new Problem(at, "must be stopped, unreachable or ok, was " + shown(v)));
                    }
                }
                case "hangS" -> {
                    Checked<Long> h = integer(v, at, 1, MAX_HANG_S, "s");
                    if (h.problem != null) {
                        problems.add(h.problem);
                    } else if (h.value != null) {
                        hang = h.value.intValue();
                    }
                }
                default -> problems.add(new Problem(at, "is not a fault; known: " + String.join(", ", FIELDS)));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFaults(problems);
        }
        return new FaultChange(reset, cameras, microphones, scalars, hang);
    }

    /**
     * The faults after this change, for a box with these devices.
     *
     * @throws InvalidFaults when the change names a camera or microphone the box does not have
     */
    public FaultSet applyTo(FaultSet current, Set<String> cameraIds, Set<String> microphoneIds) {
        List<Problem> problems = new ArrayList<>();
        for (String id : cameras.keySet()) {
            if (!cameraIds.contains(id)) {
                problems.add(new Problem("/cameras/" + id, "this box has no camera '" + id + "'; it has " + cameraIds.stream().sorted().toList()));
            }
        }
        for (String id : microphones.keySet()) {
            if (!microphoneIds.contains(id)) {
                problems.add(new Problem("/microphones/" + id, "this box has no microphone '" + id + "'; it has " + microphoneIds.stream().sorted().toList()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFaults(problems);
        }
        FaultSet f = reset ? FaultSet.NONE : current;
        for (Map.Entry<String, FaultSet.CameraFault> e : cameras.entrySet()) {
            f = f.withCamera(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, FaultSet.MicrophoneFault> e : microphones.entrySet()) {
            f = f.withMicrophone(e.getKey(), e.getValue());
        }
        boolean down = scalars.containsKey("networkDown") ? (Boolean) scalars.get("networkDown") : f.networkDown();
        f = f.withNetwork(down, pick("uplinkKbps", f.uplinkKbps()), pick("rttMs", f.rttMs()),
                pick("jitterMs", f.jitterMs()), pick("lossPct", f.lossPct()));
        f = f.withClockOffsetMs(pick("clockOffsetMs", f.clockOffsetMs()));
        f = f.withDiskFreeMb(pick("diskFreeMb", f.diskFreeMb()));
        return f.withStream(pick("stream", f.stream()));
    }

    /** The cameras this change names. */
    public Set<String> cameraIds() {
        return cameras.keySet();
    }

    /** The microphones this change names. */
    public Set<String> microphoneIds() {
        return microphones.keySet();
    }

    /** Seconds the box should hang after answering, or null. */
    public Integer hangS() {
        return hangS;
    }

    /** Whether this change switches nothing and asks for no hang (a plain "what are your faults?"). */
    public boolean isEmpty() {
        return !reset && cameras.isEmpty() && microphones.isEmpty() && scalars.isEmpty() && hangS == null;
    }

    @SuppressWarnings("unchecked")
    private <T> T pick(String field, T current) {
        return scalars.containsKey(field) ? (T) scalars.get(field) : current;
    }

    private static <F extends Enum<F>> void devices(JsonNode v, String at, String allowed, Function<String, F> byName,
                                                    F[] values, Map<String, F> out, List<Problem> problems) {
        if (!v.isObject()) {
            problems.add(new Problem(at, "must be an object of device id → fault (" + allowed + ")"));
            return;
        }
        for (Map.Entry<String, JsonNode> d : v.properties()) {
            String id = d.getKey();
            JsonNode f = d.getValue();
            String where = at + "/" + id;
            if (id.isBlank() || id.length() > 64) {
                problems.add(new Problem(where, "a device id is 1 to 64 characters"));
            } else if (f.isNull() || f.isTextual() && f.textValue().equals("ok")) {
                out.put(id, null);
            } else if (f.isTextual() && known(f.textValue(), values)) {
                out.put(id, byName.apply(f.textValue().toUpperCase(java.util.Locale.ROOT)));
            } else {
                problems.add(new Problem(where, "must be " + allowed + ", was " + shown(f)));
            }
        }
    }

    private static boolean known(String text, Enum<?>[] values) {
        for (Enum<?> e : values) {
            if (e.toString().equals(text)) {
                return true;
            }
        }
        return false;
    }

    /** A value checked: the value (null = clear), or the problem. */
    private record Checked<T>(T value, Problem problem) {
        <R> void ifValid(Map<String, Object> out, String name, List<Problem> problems, Function<T, R> convert) {
            if (problem != null) {
                problems.add(problem);
            } else {
                out.put(name, value == null ? null : convert.apply(value));
            }
        }
    }

    private static Checked<Long> integer(JsonNode v, String at, long min, long max, String unit) {
        if (v.isNull()) {
            return new Checked<>(null, null);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            return new Checked<>(null, new Problem(at, "must be a whole number from " + min + " to " + max + " " + unit
                    + " (or null to clear), was " + shown(v)));
        }
        return new Checked<>(v.longValue(), null);
    }

    private static Checked<Double> number(JsonNode v, String at, double min, double max, String unit) {
        if (v.isNull()) {
            return new Checked<>(null, null);
        }
        if (!v.isNumber() || !(v.doubleValue() >= min) || v.doubleValue() > max) {
            return new Checked<>(null, new Problem(at, "must be a number from " + trim(min) + " to " + trim(max) + " " + unit
                    + " (or null to clear), was " + shown(v)));
        }
        return new Checked<>(v.doubleValue(), null);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
