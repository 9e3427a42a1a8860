package org.syncready.controller.rollout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rollout store in memory, for planner and runner tests that need no database. Keeps what
 * {@code SqlRolloutStore} keeps, with the same semantics (latest desired per box, one report per box,
 * boxes in sending order), so a runner built on a second instance loaded from it behaves as after a restart.
 */
final class InMemoryRolloutStore implements RolloutStore {
    private final Map<String, TreeMap<Long, Desired>> desired = new HashMap<>();
    private final Map<String, Reported> reported = new HashMap<>();
    private final Map<String, String> overrides = new HashMap<>();
    private final Map<String, String> profiles = new HashMap<>();
    private final Map<String, RolloutRow> rollouts = new LinkedHashMap<>();
    private final Map<String, List<BoxRow>> boxes = new HashMap<>();
    /** Writes so far: a test can see that a refused request stored nothing. */
    int writes;

    @Override
    public synchronized Map<String, Desired> latestDesired() {
        Map<String, Desired> out = new HashMap<>();
        desired.forEach((box, versions) -> out.put(box, versions.lastEntry().getValue()));
        return out;
    }

    @Override
    public synchronized Optional<Desired> desired(String boxId, long version) {
        return Optional.ofNullable(desired.getOrDefault(boxId, new TreeMap<>()).get(version));
    }

    @Override
    public synchronized void insertDesired(Desired d, String rolloutId) {
        TreeMap<Long, Desired> versions = desired.computeIfAbsent(d.boxId(), b -> new TreeMap<>());
        if (versions.containsKey(d.version())) {
            throw new IllegalStateException("box " + d.boxId() + " already has version " + d.version());
        }
        versions.put(d.version(), d);
        writes++;
    }

    @Override
    public synchronized void recordSent(String rolloutId, List<Desired> docs, long at) {
        for (Desired d : docs) {
            insertDesired(d, rolloutId);
            replaceBox(rolloutId, d.boxId(), b -> new BoxRow(rolloutId, b.boxId(), b.position(), b.wave(), BoxState.SENT, b.profile(),
                    b.body(), b.previousVersion(), d.version(), at, null, null));
        }
    }

    @Override
    public synchronized Map<String, Reported> reported() {
        return new HashMap<>(reported);
    }

    @Override
    public synchronized void putReported(List<Reported> reports) {
        reports.forEach(r -> reported.put(r.boxId(), r));
        writes++;
    }

    @Override
    public synchronized Map<String, String> overrides() {
        return new HashMap<>(overrides);
    }

    @Override
    public synchronized void putOverride(String key, String body, long at, String actor) {
        if (body == null) {
            overrides.remove(key);
        } else {
            overrides.put(key, body);
        }
        writes++;
    }

    @Override
    public synchronized Map<String, String> boxProfiles() {
        return new HashMap<>(profiles);
    }

    @Override
    public synchronized void putBoxProfile(String boxId, String profile, long at) {
        profiles.put(boxId, profile);
        writes++;
    }

    @Override
    public synchronized void insertRollout(RolloutRow rollout, List<BoxRow> rows, Map<String, String> boxProfiles, long at) {
        rollouts.put(rollout.id(), rollout);
        boxes.put(rollout.id(), new ArrayList<>(rows));
        profiles.putAll(boxProfiles);
        writes++;
    }

    @Override
    public synchronized void updateRollout(String id, RolloutState state, int wave, String reason, long failureBaseline,
                                           int acceptedWave, long at) {
        RolloutRow r = rollouts.get(id);
        rollouts.put(id, new RolloutRow(id, r.createdAt(), r.actor(), r.request(), state, wave, reason, r.previousOverrides(),
                failureBaseline, acceptedWave));
        writes++;
    }

    @Override
    public synchronized void updateBoxes(List<BoxRow> rows, long at) {
        for (BoxRow u : rows) {
            replaceBox(u.rolloutId(), u.boxId(), b -> new BoxRow(u.rolloutId(), u.boxId(), b.position(), b.wave(), u.state(), b.profile(),
                    b.body(), b.previousVersion(), u.version(), u.sentAt(), u.deferredUntil(), u.error()));
        }
        writes++;
    }

    @Override
    public synchronized List<RolloutRow> rollouts() {
        return new ArrayList<>(rollouts.values());
    }

    @Override
    public synchronized List<BoxRow> rolloutBoxes(String rolloutId) {
        return new ArrayList<>(boxes.getOrDefault(rolloutId, List.of()));
    }

    private void replaceBox(String rolloutId, String boxId, java.util.function.UnaryOperator<BoxRow> change) {
        List<BoxRow> rows = boxes.get(rolloutId);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).boxId().equals(boxId)) {
                rows.set(i, change.apply(rows.get(i)));
                writes++;
                return;
            }
        }
        throw new IllegalStateException("no box " + boxId + " in rollout " + rolloutId);
    }
}
