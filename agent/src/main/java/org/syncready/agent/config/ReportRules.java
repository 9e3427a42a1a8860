package org.syncready.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which changes of a measured number publish a status at once (report by exception); everything else
 * waits for the heartbeat. Read from agent.yaml's {@code report.numbers} and a profile's
 * {@code agent.report.numbers}; each number's fields not given keep their defaults.
 *
 * @param numbers one rule per measured number
 */
public record ReportRules(Map<Metric, NumberRule> numbers) {

    /** The numbers a status carries whose change can be significant. */
    public enum Metric {
        RTT_MS("rttMs"), JITTER_MS("jitterMs"), LOSS_PCT("lossPct"), UPLINK_KBPS("uplinkKbps"),
        LEVEL_DBFS("levelDbfs"), DISK_FREE_MB("diskFreeMb");

        private final String key;

        Metric(String key) {
            this.key = key;
        }

        /** The name in agent.yaml, in profiles and in the status ({@code network.rttMs}, ...). */
        public String key() {
            return key;
        }

        static Metric of(String key) {
            for (Metric m : values()) {
                if (m.key.equals(key)) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * When a change of one number is significant: it moved by at least {@code minDelta} and by at least
     * {@code changePct} percent of the value last published (0: any change of {@code minDelta}), or it
     * crossed one of {@code limits}. A number appearing or disappearing is significant too.
     */
    public record NumberRule(double changePct, double minDelta, List<Double> limits) {
        public NumberRule {
            limits = List.copyOf(limits);
        }

        /** Why {@code before} → {@code now} is significant, or null. */
        public String significant(double before, double now) {
            for (double limit : limits) {
                if (before > limit != now > limit) {
                    return "crossed " + plain(limit);
                }
            }
            double delta = Math.abs(now - before);
            if (delta < minDelta || delta == 0) {
                return null;
            }
            if (changePct > 0 && delta * 100 < changePct * Math.abs(before)) {
                return null;
            }
            return changePct > 0 && before != 0
                    ? "changed by " + Math.round(delta * 100 / Math.abs(before)) + " %"
                    : "changed by " + plain(delta);
        }
    }

    /**
     * The defaults: the readiness rules' warning and blocking limits (docs/READINESS.md) as limits, and
     * changes well above what a healthy box's numbers wander between two rounds.
     */
    public static final ReportRules DEFAULT = new ReportRules(defaults());

    public ReportRules {
        Map<Metric, NumberRule> all = new EnumMap<>(Metric.class);
        all.putAll(numbers);
        for (Metric m : Metric.values()) {
            if (!all.containsKey(m)) {
                throw new IllegalArgumentException("no rule for " + m.key());
            }
        }
        numbers = Map.copyOf(all);
    }

    public NumberRule rule(Metric m) {
        return numbers.get(m);
    }

    private static Map<Metric, NumberRule> defaults() {
        Map<Metric, NumberRule> d = new EnumMap<>(Metric.class);
        // A healthy box wanders: RTT 12–40 ms, uplink ±15 %, levels ±10 dB with speech, disk by a recording (~3 GB).
        d.put(Metric.RTT_MS, new NumberRule(100, 50, List.of(150.0, 400.0)));
        d.put(Metric.JITTER_MS, new NumberRule(100, 10, List.of(30.0, 100.0)));
        d.put(Metric.LOSS_PCT, new NumberRule(0, 1, List.of(1.0, 5.0)));
        d.put(Metric.UPLINK_KBPS, new NumberRule(50, 2000, List.of()));
        d.put(Metric.LEVEL_DBFS, new NumberRule(0, 30, List.of(-60.0)));
        d.put(Metric.DISK_FREE_MB, new NumberRule(20, 1024, List.of(1024.0)));
        return d;
    }

    /**
     * These rules with {@code node}'s on top: a mapping {@code {numbers: {rttMs: {changePct, minDelta,
     * limits}, ...}}}. Fails naming the field ({@code at} + its path) on an unknown field, a wrong type
     * or a value out of range. Null or missing: these rules unchanged.
     */
    public ReportRules with(JsonNode node, String at) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return this;
        }
        if (!node.isObject()) {
            throw new ConfigException(at, "must be a mapping with 'numbers', was " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("numbers")) {
                throw new ConfigException(at + "." + name, "is not a known field; known here: numbers");
            }
        }
        JsonNode numbersNode = node.path("numbers");
        if (numbersNode.isMissingNode() || numbersNode.isNull()) {
            return this;
        }
        if (!numbersNode.isObject()) {
            throw new ConfigException(at + ".numbers", "must be a mapping of number name to rule");
        }
        Map<Metric, NumberRule> next = new EnumMap<>(numbers);
        for (Iterator<Map.Entry<String, JsonNode>> it = numbersNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = at + ".numbers." + e.getKey();
            Metric m = Metric.of(e.getKey());
            if (m == null) {
                throw new ConfigException(path, "is not a known number; known: "
                        + String.join(", ", java.util.Arrays.stream(Metric.values()).map(Metric::key).toList()));
            }
            next.put(m, rule(e.getValue(), path, numbers.get(m)));
        }
        return new ReportRules(next);
    }

    private static NumberRule rule(JsonNode n, String path, NumberRule base) {
        if (!n.isObject()) {
            throw new ConfigException(path, "must be a mapping with changePct, minDelta and/or limits");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!List.of("changePct", "minDelta", "limits").contains(name)) {
                throw new ConfigException(path + "." + name, "is not a known field; known here: changePct, minDelta, limits");
            }
        }
        double changePct = number(n.get("changePct"), path + ".changePct", base.changePct(), 0, 10_000);
        double minDelta = number(n.get("minDelta"), path + ".minDelta", base.minDelta(), 0, 1e9);
        List<Double> limits = base.limits();
        JsonNode l = n.get("limits");
        if (l != null && !l.isNull()) {
            if (!l.isArray() || l.size() > 8) {
                throw new ConfigException(path + ".limits", "must be a list of at most 8 numbers");
            }
            limits = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                limits.add(number(l.get(i), path + ".limits[" + i + "]", 0, -1e9, 1e9));
            }
        }
        return new NumberRule(changePct, minDelta, limits);
    }

    private static double number(JsonNode v, String path, double fallback, double min, double max) {
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new ConfigException(path, "must be a number, was " + v);
        }
        double d = v.doubleValue();
        if (d < min || d > max) {
            throw new ConfigException(path, "must be " + plain(min) + ".." + plain(max) + ", was " + v);
        }
        return d;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
