package org.syncready.controller.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.syncready.controller.fleet.Box;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.firmware.ProfileException;
import org.syncready.firmware.ProfileProblem;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;

/**
 * Turns a rollout request into a plan: which boxes, what each gets (profile + override layers,
 * rendered by the catalogue), what that changes, in which wave, and which the class-time guard would
 * defer now. Pure: it reads the registry's cache, the catalogue and the configuration state it is
 * given, and the injected clock; it stores, publishes and waits for nothing.
 */
final class RolloutPlanner {
    private static final int MAX_PAYLOAD = 65_536;
    private static final int MAX_PROBLEMS = 50;

    private final BoxDirectory directory;
    private final ProfileCatalogue catalogue;
    private final MessageCodec codec;
    private final ObjectMapper json;
    private final Clock clock;

    RolloutPlanner(BoxDirectory directory, ProfileCatalogue catalogue, MessageCodec codec, Clock clock) {
        this.directory = directory;
        this.catalogue = catalogue;
        this.codec = codec;
        this.json = codec.mapper();
        this.clock = clock;
    }

    /**
     * The plan of {@code request}.
     *
     * @param inActiveRollout  whether a box is in a running or paused rollout (such a box cannot join another)
     * @param includeUnchanged keep boxes that already run the result (a preview), and ignore other rollouts
     * @throws org.syncready.controller.refusal.Refusal {@code INVALID} with every problem, or {@code CONFLICT}
     */
    RolloutPlan plan(RolloutRequest request, ConfigState state, Predicate<String> inActiveRollout, ClassTimeGuard guard,
                     boolean includeUnchanged) {
        List<ProfileProblem> problems = new ArrayList<>();
        List<Box> boxes = select(request.target(), problems);
        Set<String> targetSchools = new LinkedHashSet<>();
        Set<String> targetBoxes = new LinkedHashSet<>();
        for (Box b : boxes) {
            targetBoxes.add(b.id());
            directory.schoolOf(b.id()).ifPresent(targetSchools::add);
        }
        for (String s : request.schoolOverrides().keySet()) {
            if (!targetSchools.contains(s)) {
                problems.add(new ProfileProblem("request", "/overrides/schools/" + s, "school " + s + " has no box in the target"));
            }
        }
        for (String b : request.boxOverrides().keySet()) {
            if (!targetBoxes.contains(b)) {
                problems.add(new ProfileProblem("request", "/overrides/boxes/" + b, "box " + b + " is not in the target"));
            }
        }
        if (request.profile() != null && catalogue.profile(request.profile()).isEmpty()) {
            problems.add(new ProfileProblem("request", "/profile", "no profile '" + request.profile() + "' in the catalogue; known: "
                    + String.join(", ", catalogue.refs())));
        }
        if (!problems.isEmpty()) {
            throw RolloutRefusal.invalid(problems);
        }
        List<String> busyElsewhere = targetBoxes.stream().filter(inActiveRollout).toList();
        Instant now = clock.instant();
        List<RolloutPlan.Box> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        // Most boxes of a province share a profile and their school's layer: each distinct combination
        // is rendered, hashed and sized once, and each distinct (current, new) pair diffed once.
        Map<String, Rendered> rendered = new HashMap<>();
        Map<String, JsonNode> currentBodies = new HashMap<>();
        Map<String, List<RolloutPlan.Change>> diffs = new HashMap<>();
        for (Box box : boxes) {
            String profile = request.profile() != null ? request.profile() : state.profileOf(box.id());
            if (profile == null) {
                problems.add(new ProfileProblem("request", "/profile", "box " + box.id() + " has no profile yet: give one"));
                continue;
            }
            String model = profile.substring(0, profile.indexOf('/'));
            if (!model.equals(box.model())) {
                problems.add(new ProfileProblem("request", "/profile", "box " + box.id() + " is a " + box.model() + ", profile "
                        + profile + " is for " + model + " (narrow the target with target.model)"));
                continue;
            }
            String school = directory.schoolOf(box.id()).orElse(null);
            JsonNode schoolLayer = request.schoolOverrides().containsKey(school)
                    ? request.schoolOverrides().get(school) : state.override("school:" + school);
            JsonNode boxLayer = request.boxOverrides().containsKey(box.id())
                    ? request.boxOverrides().get(box.id()) : state.override("box:" + box.id());
            String key = profile + '\u0000' + schoolLayer + '\u0000' + boxLayer;
            Rendered r = rendered.get(key);
            if (r == null) {
                Map<String, JsonNode> layers = new LinkedHashMap<>();
                layers.put("override school " + school, schoolLayer);
                layers.put("override box " + box.id(), boxLayer);
                try {
                    JsonNode body = catalogue.render(profile, layers);
                    r = new Rendered(body, ConfigSigning.sha256(body), estimateSize("x", profile, body) - 1);
                } catch (ProfileException e) {
                    for (ProfileProblem p : e.problems()) {
                        if (seen.add(p.toString())) {
                            problems.add(p);
                        }
                    }
                    continue;
                }
                // A box layer is the box's own: keeping its rendering would only fill the map.
                if (boxLayer == null) {
                    rendered.put(key, r);
                }
            }
            Optional<RolloutStore.Desired> current = state.desired(box.id());
            Long running = state.runningVersion(box.id());
            boolean same = current.isPresent() && current.get().profile().equals(profile)
                    && current.get().sha256().equals(r.sha256()) && running != null && running == current.get().version();
            if (same && !includeUnchanged) {
                unchanged.add(box.id());
                continue;
            }
            int size = r.sizeWithoutId() + box.id().getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_PAYLOAD) {
                problems.add(new ProfileProblem("request", "/", "box " + box.id() + ": the signed document would be " + size
                        + " bytes, over the 65536 a message may carry"));
                continue;
            }
            Optional<Instant> busy = request.force() ? Optional.empty() : guard.busyUntil(box.id(), now);
            Rendered target = r;
            String from = current.map(RolloutStore.Desired::sha256).orElse("none");
            List<RolloutPlan.Change> diff = diffs.computeIfAbsent(from + '>' + target.sha256(), k -> diff(current.isEmpty() ? null
                    : currentBodies.computeIfAbsent(from, sha -> body(current.get())), target.body()));
            changed.add(new RolloutPlan.Box(box.id(), school, box.classroomId(), box.model(), profile, 0,
                    current.isEmpty() ? "first" : same ? "none" : "update",
                    busy.filter(i -> i.isAfter(now)).map(Instant::toString).orElse(null), diff, r.body()));
        }
        if (!problems.isEmpty()) {
            throw RolloutRefusal.invalid(problems.stream().limit(MAX_PROBLEMS).toList());
        }
        if (!busyElsewhere.isEmpty() && !includeUnchanged) {
            throw RolloutRefusal.conflict("boxes already in a running or paused rollout: " + busyElsewhere
                    + " (finish, abort or roll back that one first)");
        }
        return numbered(changed, unchanged, waves(request.strategy().waves(), changed.size()));
    }

    /** Wave sizes for {@code total} boxes: each amount taken in turn, the last wave gets the rest; empty waves dropped. */
    static List<Integer> waves(List<RolloutRequest.Amount> amounts, int total) {
        List<Integer> sizes = new ArrayList<>();
        int left = total;
        for (int i = 0; i < amounts.size() && left > 0; i++) {
            int n = i == amounts.size() - 1 ? left : Math.min(left, Math.max(1, amounts.get(i).of(total)));
            sizes.add(n);
            left -= n;
        }
        return sizes;
    }

    private static RolloutPlan numbered(List<RolloutPlan.Box> changed, List<String> unchanged, List<Integer> sizes) {
        List<RolloutPlan.Box> numbered = new ArrayList<>();
        int wave = 0;
        int inWave = 0;
        for (RolloutPlan.Box b : changed) {
            while (wave < sizes.size() - 1 && inWave >= sizes.get(wave)) {
                wave++;
                inWave = 0;
            }
            numbered.add(new RolloutPlan.Box(b.boxId(), b.schoolId(), b.classroomId(), b.model(), b.profile(), wave, b.change(),
                    b.deferredUntil(), b.diff(), b.body()));
            inWave++;
        }
        return new RolloutPlan(numbered, unchanged, sizes);
    }

    /** The target's boxes in sending order: the listed boxes first (the first is the canary), then by id. */
    private List<Box> select(RolloutRequest.Target t, List<ProfileProblem> problems) {
        Map<String, Box> out = new LinkedHashMap<>();
        for (int i = 0; i < t.boxes().size(); i++) {
            String id = t.boxes().get(i);
            Optional<Box> b = directory.box(id);
            if (b.isEmpty()) {
                problems.add(new ProfileProblem("request", "/target/boxes/" + i, "no box '" + id + "'"));
            } else {
                out.put(id, b.get());
            }
        }
        List<Box> all = directory.boxes().stream().sorted(Comparator.comparing(Box::id)).toList();
        for (int i = 0; i < t.classrooms().size(); i++) {
            String id = t.classrooms().get(i);
            if (!directory.hasClassroom(id)) {
                problems.add(new ProfileProblem("request", "/target/classrooms/" + i, "no classroom '" + id + "'"));
            }
            all.stream().filter(b -> b.classroomId().equals(id)).forEach(b -> out.putIfAbsent(b.id(), b));
        }
        for (int i = 0; i < t.schools().size(); i++) {
            String id = t.schools().get(i);
            if (!directory.hasSchool(id)) {
                problems.add(new ProfileProblem("request", "/target/schools/" + i, "no school '" + id + "'"));
                continue;
            }
            Set<String> rooms = new LinkedHashSet<>(directory.classroomIds(id));
            all.stream().filter(b -> rooms.contains(b.classroomId())).forEach(b -> out.putIfAbsent(b.id(), b));
        }
        boolean onlyModel = t.boxes().isEmpty() && t.classrooms().isEmpty() && t.schools().isEmpty();
        if (t.all() || (onlyModel && t.model() != null)) {
            all.forEach(b -> out.putIfAbsent(b.id(), b));
        }
        List<Box> chosen = new ArrayList<>(out.values());
        if (t.model() != null) {
            chosen = chosen.stream().filter(b -> b.model().equals(t.model())).toList();
        }
        if (chosen.isEmpty() && problems.isEmpty()) {
            problems.add(new ProfileProblem("request", "/target", "selects no box: " + t.describe()));
        }
        return new ArrayList<>(chosen);
    }

    /** A rendered body, its hash and the size of its signed document without the box id. */
    private record Rendered(JsonNode body, String sha256, int sizeWithoutId) {
    }

    private static List<RolloutPlan.Change> diff(JsonNode from, JsonNode to) {
        return JsonDiff.of(from, to).stream().map(c -> new RolloutPlan.Change(c.path(), c.from(), c.to())).toList();
    }

    private JsonNode body(RolloutStore.Desired desired) {
        try {
            return json.readTree(desired.payload()).get("body");
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private int estimateSize(String boxId, String profile, JsonNode body) {
        ConfigDesired doc = new ConfigDesired(Protocol.VERSION, boxId, 1, Long.MAX_VALUE, profile, "0".repeat(64), body, "x".repeat(88));
        return codec.encode(doc).length;
    }
}
