package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.syncready.firmware.ProfileProblem;

/**
 * A rollout as asked for: what to push (a profile, override layers, or both), to which boxes, how.
 * {@link #parse} checks every field and reports every problem with its JSON pointer.
 *
 * @param profile         {@code model/name}; null keeps each box's assigned profile (an override-only change)
 * @param schoolOverrides new override layer per school id (replaces the stored one); an empty object clears it
 * @param boxOverrides    new override layer per box id
 * @param force           send even to boxes the class-time guard says are busy (audited)
 */
public record RolloutRequest(String profile, Map<String, JsonNode> schoolOverrides, Map<String, JsonNode> boxOverrides,
                             Target target, Strategy strategy, boolean force, String note) {

    private static final Set<String> FIELDS = Set.of("profile", "overrides", "target", "strategy", "force", "dryRun", "note");
    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,6})(%?)");
    private static final Pattern PROFILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9._-]{0,127}");

    /** Union of the selectors; {@code model} alone selects all boxes of that model, with others it filters them. */
    public record Target(List<String> boxes, List<String> classrooms, List<String> schools, String model, boolean all) {
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (all) {
                parts.add("all boxes");
            }
            if (!boxes.isEmpty()) {
                parts.add("boxes " + boxes);
            }
            if (!classrooms.isEmpty()) {
                parts.add("classrooms " + classrooms);
            }
            if (!schools.isEmpty()) {
                parts.add("schools " + schools);
            }
            if (model != null) {
                parts.add("model " + model);
            }
            return String.join(", ", parts);
        }
    }

    /** A count of boxes, or a percentage of the rollout's boxes (rounded up, at least 1). */
    public record Amount(int value, boolean percent) {
        public int of(int total) {
            if (!percent) {
                return value;
            }
            return Math.max(1, (int) Math.ceil(total * value / 100.0));
        }

        @Override
        public String toString() {
            return value + (percent ? "%" : "");
        }
    }

    /**
     * @param waves            size of each wave; the last wave takes every box left
     * @param successThreshold applied boxes a finished wave needs before the next starts
     * @param failureThreshold failed boxes (rejected, rolled back, timed out) over the whole rollout that stop it
     * @param abortOnFailure   abort instead of pause at the failure threshold
     * @param boxTimeout       how long a sent box may take to report before it counts as timed out
     * @param window           when boxes may be sent to; null for any time
     */
    public record Strategy(List<Amount> waves, Amount successThreshold, Amount failureThreshold, boolean abortOnFailure,
                           Duration boxTimeout, TimeWindow window) {
        static final Strategy DEFAULT = new Strategy(List.of(new Amount(1, false), new Amount(10, true), new Amount(100, true)),
                new Amount(100, true), new Amount(1, false), false, Duration.ofMinutes(10), null);
    }

    /** A daily window in a time zone; {@code from} after {@code to} spans midnight (22:00–06:00). */
    public record TimeWindow(LocalTime from, LocalTime to, ZoneId zone) {
        public boolean contains(Instant at) {
            LocalTime t = at.atZone(zone).toLocalTime();
            return from.isBefore(to) || from.equals(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        }
    }

    /**
     * Parses and checks a request body; every problem is reported at once, each with its pointer.
     *
     * @throws org.syncready.controller.refusal.Refusal {@code INVALID}, listing every problem
     */
    public static RolloutRequest parse(JsonNode body) {
        List<ProfileProblem> problems = new ArrayList<>();
        unknown(body, "", FIELDS, problems);
        String profile = null;
        JsonNode p = body.get("profile");
        if (p != null && !p.isNull()) {
            if (!p.isTextual() || !PROFILE.matcher(p.asText()).matches()) {
                problems.add(problem("/profile", "must be a profile name model/name, e.g. generic-recorder-a/standard-1080p"));
            } else {
                profile = p.asText();
            }
        }
        Map<String, JsonNode> schools = new LinkedHashMap<>();
        Map<String, JsonNode> boxes = new LinkedHashMap<>();
        JsonNode o = body.get("overrides");
        if (o != null && !o.isNull()) {
            if (!o.isObject()) {
                problems.add(problem("/overrides", "must be an object {schools: {id: {...}}, boxes: {id: {...}}}"));
            } else {
                unknown(o, "/overrides", Set.of("schools", "boxes"), problems);
                layers(o.get("schools"), "/overrides/schools", schools, problems);
                layers(o.get("boxes"), "/overrides/boxes", boxes, problems);
            }
        }
        if (profile == null && schools.isEmpty() && boxes.isEmpty() && problems.isEmpty()) {
            problems.add(problem("/profile", "give a profile, overrides, or both: there is nothing to roll out"));
        }
        Target target = target(body.get("target"), problems);
        Strategy strategy = strategy(body.get("strategy"), problems);
        boolean force = bool(body, "force", "/force", problems);
        bool(body, "dryRun", "/dryRun", problems);
        JsonNode n = body.get("note");
        String note = null;
        if (n != null && !n.isNull()) {
            if (!n.isTextual() || n.asText().length() > 500) {
                problems.add(problem("/note", "must be text of at most 500 characters"));
            } else {
                note = n.asText();
            }
        }
        if (!problems.isEmpty()) {
            throw RolloutRefusal.invalid(problems);
        }
        return new RolloutRequest(profile, schools, boxes, target, strategy, force, note);
    }

    private static Target target(JsonNode t, List<ProfileProblem> problems) {
        if (t == null || t.isNull() || !t.isObject()) {
            problems.add(problem("/target", "is required: an object with boxes, classrooms, schools, model or all"));
            return null;
        }
        unknown(t, "/target", Set.of("boxes", "classrooms", "schools", "model", "all"), problems);
        List<String> boxes = ids(t.get("boxes"), "/target/boxes", problems);
        List<String> classrooms = ids(t.get("classrooms"), "/target/classrooms", problems);
        List<String> schools = ids(t.get("schools"), "/target/schools", problems);
        String model = null;
        JsonNode m = t.get("model");
        if (m != null && !m.isNull()) {
            if (!m.isTextual() || m.asText().isBlank()) {
                problems.add(problem("/target/model", "must be a box model name"));
            } else {
                model = m.asText();
            }
        }
        boolean all = bool(t, "all", "/target/all", problems);
        if (!all && boxes.isEmpty() && classrooms.isEmpty() && schools.isEmpty() && model == null) {
            problems.add(problem("/target", "selects no box: give boxes, classrooms, schools, model, or all: true"));
        }
        return new Target(boxes, classrooms, schools, model, all);
    }

    private static Strategy strategy(JsonNode s, List<ProfileProblem> problems) {
        Strategy d = Strategy.DEFAULT;
        if (s == null || s.isNull()) {
            return d;
        }
        if (!s.isObject()) {
            problems.add(problem("/strategy", "must be an object"));
            return d;
        }
        unknown(s, "/strategy", Set.of("waves", "successThreshold", "failureThreshold", "onFailure", "boxTimeoutS", "window"), problems);
        List<Amount> waves = d.waves();
        JsonNode w = s.get("waves");
        if (w != null && !w.isNull()) {
            if (!w.isArray() || w.isEmpty() || w.size() > 20) {
                problems.add(problem("/strategy/waves", "must be a list of 1 to 20 wave sizes, e.g. [1, \"10%\", \"100%\"]"));
            } else {
                waves = new ArrayList<>();
                for (int i = 0; i < w.size(); i++) {
                    Amount a = amount(w.get(i), "/strategy/waves/" + i, problems);
                    if (a != null && a.value() < 1) {
                        problems.add(problem("/strategy/waves/" + i, "a wave has at least 1 box"));
                    }
                    waves.add(a);
                }
            }
        }
        Amount success = s.has("successThreshold") ? amount(s.get("successThreshold"), "/strategy/successThreshold", problems)
                : d.successThreshold();
        Amount failure = s.has("failureThreshold") ? amount(s.get("failureThreshold"), "/strategy/failureThreshold", problems)
                : d.failureThreshold();
        if (failure != null && failure.value() < 1) {
            problems.add(problem("/strategy/failureThreshold", "must be at least 1 (or 1%): the rollout stops when that many boxes failed"));
        }
        boolean abort = false;
        JsonNode f = s.get("onFailure");
        if (f != null && !f.isNull()) {
            if (!f.isTextual() || !Set.of("pause", "abort").contains(f.asText())) {
                problems.add(problem("/strategy/onFailure", "must be pause or abort"));
            } else {
                abort = f.asText().equals("abort");
            }
        }
        Duration timeout = d.boxTimeout();
        JsonNode to = s.get("boxTimeoutS");
        if (to != null && !to.isNull()) {
            if (!to.canConvertToInt() || !to.isIntegralNumber() || to.asInt() < 1 || to.asInt() > 7 * 86_400) {
                problems.add(problem("/strategy/boxTimeoutS", "must be a whole number of seconds, 1 to 604800"));
            } else {
                timeout = Duration.ofSeconds(to.asInt());
            }
        }
        TimeWindow window = null;
        JsonNode win = s.get("window");
        if (win != null && !win.isNull()) {
            window = window(win, problems);
        }
        return new Strategy(waves, success, failure, abort, timeout, window);
    }

    private static TimeWindow window(JsonNode win, List<ProfileProblem> problems) {
        if (!win.isObject()) {
            problems.add(problem("/strategy/window", "must be an object {from: \"22:00\", to: \"06:00\", zone: \"Asia/Shanghai\"}"));
            return null;
        }
        unknown(win, "/strategy/window", Set.of("from", "to", "zone"), problems);
        LocalTime from = time(win.get("from"), "/strategy/window/from", problems);
        LocalTime to = time(win.get("to"), "/strategy/window/to", problems);
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        JsonNode z = win.get("zone");
        if (z != null && !z.isNull()) {
            try {
                zone = ZoneId.of(z.asText());
            } catch (DateTimeException e) {
                problems.add(problem("/strategy/window/zone", "is not a time zone: " + z.asText()));
            }
        }
        return from == null || to == null ? null : new TimeWindow(from, to, zone);
    }

    private static LocalTime time(JsonNode v, String pointer, List<ProfileProblem> problems) {
        if (v == null || !v.isTextual()) {
            problems.add(problem(pointer, "is required, as HH:mm"));
            return null;
        }
        try {
            return LocalTime.parse(v.asText());
        } catch (DateTimeParseException e) {
            problems.add(problem(pointer, "must be a time HH:mm, was '" + v.asText() + "'"));
            return null;
        }
    }

    private static Amount amount(JsonNode v, String pointer, List<ProfileProblem> problems) {
        Matcher m = v == null ? null : AMOUNT.matcher(v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.asText().strip() : "x");
        if (m == null || !m.matches()) {
            problems.add(problem(pointer, "must be a number of boxes (3) or a percentage (\"10%\")"));
            return null;
        }
        Amount a = new Amount(Integer.parseInt(m.group(1)), !m.group(2).isEmpty());
        if (a.percent() && a.value() > 100) {
            problems.add(problem(pointer, "a percentage is at most 100%"));
        }
        return a;
    }

    private static void layers(JsonNode v, String pointer, Map<String, JsonNode> out, List<ProfileProblem> problems) {
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isObject()) {
            problems.add(problem(pointer, "must be an object: id -> override object"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                problems.add(problem(pointer + "/" + e.getKey(), "an override must be an object (the keys of a profile to change)"));
            } else {
                expandDotted((ObjectNode) e.getValue(), pointer + "/" + e.getKey(), problems).ifPresent(layer -> out.put(e.getKey(), layer));
            }
        }
    }

    /**
     * A layer with dotted keys ({@code "stream.pushUrl": "rtmp://..."}, as the CLI's {@code --set} takes
     * them) as the nested object a profile layer is; keys without a dot are kept as they are. Empty when a
     * key is malformed or two keys set the same place (each named in {@code problems}).
     */
    private static java.util.Optional<JsonNode> expandDotted(ObjectNode layer, String pointer, List<ProfileProblem> problems) {
        boolean dotted = false;
        for (Iterator<String> names = layer.fieldNames(); names.hasNext(); ) {
            dotted |= names.next().contains(".");
        }
        if (!dotted) {
            return java.util.Optional.of(layer);
        }
        ObjectNode out = layer.objectNode();
        int before = problems.size();
        for (Iterator<Map.Entry<String, JsonNode>> it = layer.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String[] path = f.getKey().split("\\.", -1);
            String where = pointer + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
            if (java.util.Arrays.stream(path).anyMatch(String::isEmpty)) {
                problems.add(problem(where, "a dotted key needs a name between every two dots, e.g. stream.pushUrl"));
                continue;
            }
            ObjectNode parent = out;
            boolean clash = false;
            for (int i = 0; i < path.length - 1 && !clash; i++) {
                JsonNode next = parent.get(path[i]);
                if (next == null) {
                    parent = parent.putObject(path[i]);
                } else if (next.isObject()) {
                    parent = (ObjectNode) next;
                } else {
                    clash = true;
                }
            }
            String last = path[path.length - 1];
            if (clash || parent.has(last) && !(parent.get(last).isObject() && f.getValue().isObject())) {
                problems.add(problem(where, "sets a value another key of this override sets too"));
            } else if (parent.has(last)) {
                ((ObjectNode) parent.get(last)).setAll((ObjectNode) f.getValue());
            } else {
                parent.set(last, f.getValue());
            }
        }
        return problems.size() == before ? java.util.Optional.of(out) : java.util.Optional.empty();
    }

    private static List<String> ids(JsonNode v, String pointer, List<ProfileProblem> problems) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add(problem(pointer, "must be a list of ids"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                problems.add(problem(pointer + "/" + i, "must be an id (text)"));
            } else if (!out.contains(v.get(i).asText())) {
                out.add(v.get(i).asText());
            }
        }
        return out;
    }

    private static boolean bool(JsonNode node, String field, String pointer, List<ProfileProblem> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(problem(pointer, "must be true or false"));
            return false;
        }
        return v.asBoolean();
    }

    private static void unknown(JsonNode node, String pointer, Set<String> known, List<ProfileProblem> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problems.add(problem(pointer + "/" + name, "is not a known field; known here: " + String.join(", ", known.stream().sorted().toList())));
            }
        }
    }

    private static ProfileProblem problem(String pointer, String message) {
        return new ProfileProblem("request", pointer, message);
    }
}
