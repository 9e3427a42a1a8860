package org.syncready.controller.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rollout in memory: its request, state, current wave and boxes. Every change of a box's state
 * goes through this class, which keeps the count per state (the failure threshold and the timeout
 * scan read them without walking every box). Rollout-thread only.
 */
final class RolloutRun {
    private final String id;
    private final long createdAt;
    private final String actor;
    private final RolloutRequest request;
    private final String requestJson;
    private final String previousOverrides;
    private final List<Integer> waveSizes;
    private final List<Entry> entries = new ArrayList<>();
    /** The same entries by box id (a box is once in a rollout): a report finds its entry without scanning them all. */
    private final Map<String, Entry> byBox = new HashMap<>();
    private final Map<BoxState, Integer> counts = new EnumMap<>(BoxState.class);
    /**
     * Per wave: its boxes, those done (a terminal state) and those applied. Whether a wave is over is
     * asked after every report; counting here keeps that O(1) instead of a walk over all boxes
     * (10,000 reports times 10,000 boxes was most of a large rollout's CPU).
     */
    private int[] inWave = new int[0];
    private int[] doneInWave = new int[0];
    private int[] appliedInWave = new int[0];
    private RolloutState state;
    private int wave;
    private String reason;
    /**
     * Set by resume: failures before it do not count against the threshold again, and a finished wave
     * below its success threshold is accepted, since a person looked and decided to go on.
     */
    private long failureBaseline;
    private int acceptedWave = -1;

    /** One box of the rollout. Its state changes only through {@link RolloutRun}. */
    static final class Entry {
        private final String boxId;
        private final int position;
        private final int wave;
        private final String profile;
        private final Long previousVersion;
        private BoxState state;
        /** The rendered body to send; dropped once the box is done with it. */
        private JsonNode body;
        private Long version;
        private Long sentAt;
        private Long deferredUntil;
        private String error;

        private Entry(String boxId, int position, int wave, String profile, Long previousVersion, BoxState state, JsonNode body) {
            this.boxId = boxId;
            this.position = position;
            this.wave = wave;
            this.profile = profile;
            this.previousVersion = previousVersion;
            this.state = state;
            this.body = body;
        }

        String boxId() {
            return boxId;
        }

        int wave() {
            return wave;
        }

        String profile() {
            return profile;
        }

        Long previousVersion() {
            return previousVersion;
        }

        BoxState state() {
            return state;
        }

        JsonNode body() {
            return body;
        }

        Long version() {
            return version;
        }

        Long sentAt() {
            return sentAt;
        }

        Long deferredUntil() {
            return deferredUntil;
        }

        String error() {
            return error;
        }

        /** The row without its body: what {@link RolloutStore#updateBoxes} writes. */
        RolloutStore.BoxRow stateRow(String rolloutId) {
            return new RolloutStore.BoxRow(rolloutId, boxId, position, wave, state, profile, null, previousVersion, version, sentAt,
                    deferredUntil, error);
        }

        RolloutStore.BoxRow row(String rolloutId, String bodyText) {
            return new RolloutStore.BoxRow(rolloutId, boxId, position, wave, state, profile, bodyText, previousVersion, version, sentAt,
                    deferredUntil, error);
        }
    }

    private RolloutRun(String id, long createdAt, String actor, RolloutRequest request, String requestJson, String previousOverrides,
                       List<Integer> waveSizes, RolloutState state) {
        this.id = id;
        this.createdAt = createdAt;
        this.actor = actor;
        this.request = request;
        this.requestJson = requestJson;
        this.previousOverrides = previousOverrides;
        this.waveSizes = List.copyOf(waveSizes);
        this.state = state;
    }

    /** A new running rollout of {@code plan}'s boxes, all pending; {@code previousVersions}: each box's desired version now. */
    static RolloutRun start(String id, long createdAt, String actor, RolloutRequest request, JsonNode requestJson, RolloutPlan plan,
                            String previousOverrides, Map<String, Long> previousVersions) {
        RolloutRun run = new RolloutRun(id, createdAt, actor, request, requestJson.toString(), previousOverrides, plan.waveSizes(),
                RolloutState.RUNNING);
        int position = 0;
        for (RolloutPlan.Box b : plan.boxes()) {
            run.add(new Entry(b.boxId(), position++, b.wave(), b.profile(), previousVersions.get(b.boxId()), BoxState.PENDING, b.body()));
        }
        return run;
    }

    /** A stored rollout; the bodies of boxes that are done are not read. */
    static RolloutRun load(RolloutStore.RolloutRow row, List<RolloutStore.BoxRow> boxes, ObjectMapper json) {
        try {
            int[] perWave = new int[64];
            int maxWave = 0;
            for (RolloutStore.BoxRow b : boxes) {
                if (b.wave() < perWave.length) {
                    perWave[b.wave()]++;
                }
                maxWave = Math.max(maxWave, b.wave());
            }
            List<Integer> sizes = new ArrayList<>();
            for (int w = 0; w <= maxWave && w < perWave.length; w++) {
                sizes.add(perWave[w]);
            }
            RolloutRun run = new RolloutRun(row.id(), row.createdAt(), row.actor(), RolloutRequest.parse(json.readTree(row.request())),
                    row.request(), row.previousOverrides(), sizes, row.state());
            run.wave = row.wave();
            run.reason = row.reason();
            run.failureBaseline = row.failureBaseline();
            run.acceptedWave = row.acceptedWave();
            for (RolloutStore.BoxRow b : boxes) {
                Entry e = new Entry(b.boxId(), b.position(), b.wave(), b.profile(), b.previousVersion(), b.state(),
                        b.state().terminal() ? null : json.readTree(b.body()));
                e.version = b.version();
                e.sentAt = b.sentAt();
                e.deferredUntil = b.deferredUntil();
                e.error = b.error();
                run.add(e);
            }
            return run;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rollout " + row.id() + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private void add(Entry e) {
        entries.add(e);
        byBox.put(e.boxId, e);
        counts.merge(e.state, 1, Integer::sum);
        if (e.wave >= inWave.length) {
            int n = e.wave + 1;
            inWave = Arrays.copyOf(inWave, n);
            doneInWave = Arrays.copyOf(doneInWave, n);
            appliedInWave = Arrays.copyOf(appliedInWave, n);
        }
        inWave[e.wave]++;
        countInWave(e, 1);
    }

    private void countInWave(Entry e, int delta) {
        if (e.state.terminal()) {
            doneInWave[e.wave] += delta;
        }
        if (e.state == BoxState.APPLIED) {
            appliedInWave[e.wave] += delta;
        }
    }

    // ------------------------------------------------------------------ reading

    String id() {
        return id;
    }

    RolloutRequest request() {
        return request;
    }

    RolloutState state() {
        return state;
    }

    int wave() {
        return wave;
    }

    String reason() {
        return reason;
    }

    List<Integer> waveSizes() {
        return waveSizes;
    }

    long failureBaseline() {
        return failureBaseline;
    }

    int acceptedWave() {
        return acceptedWave;
    }

    /** The override layers and profile assignments it replaced (JSON text), for rollback; null for none. */
    String previousOverrides() {
        return previousOverrides;
    }

    List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The entry of a box, or null when the box is not in this rollout. */
    Entry entry(String boxId) {
        return byBox.get(boxId);
    }

    int count(BoxState s) {
        return counts.getOrDefault(s, 0);
    }

    /** The boxes of wave {@code w} (0-based). */
    int waveTotal(int w) {
        return w < inWave.length ? inWave[w] : 0;
    }

    /** Whether every box of wave {@code w} is done (applied, rejected, rolled back or timed out). */
    boolean waveDone(int w) {
        return w >= inWave.length || doneInWave[w] == inWave[w];
    }

    /** The boxes of wave {@code w} that applied. */
    int waveApplied(int w) {
        return w < inWave.length ? appliedInWave[w] : 0;
    }

    /** Rejected, rolled back or timed out, over the whole rollout. */
    long failed() {
        long n = 0;
        for (BoxState s : BoxState.values()) {
            if (s.failed()) {
                n += count(s);
            }
        }
        return n;
    }

    /** Who started it and on what, for audit entries. */
    String subject() {
        return id + ": " + request.target().describe();
    }

    /** Every box as stored at the start; boxes sharing one rendered body share one text (it is written once). */
    List<RolloutStore.BoxRow> boxRows() {
        Map<JsonNode, String> texts = new IdentityHashMap<>();
        List<RolloutStore.BoxRow> rows = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            rows.add(e.row(id, e.body == null ? null : texts.computeIfAbsent(e.body, JsonNode::toString)));
        }
        return rows;
    }

    RolloutStore.RolloutRow row() {
        return new RolloutStore.RolloutRow(id, createdAt, actor, requestJson, state, wave, reason, previousOverrides, failureBaseline,
                acceptedWave);
    }

    RolloutView view() {
        return view(true);
    }

    /** The view without its per-box list (10,000 entries for a province-wide rollout): what lists and polls need. */
    RolloutView summary() {
        return view(false);
    }

    private RolloutView view(boolean withBoxes) {
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (BoxState s : BoxState.values()) {
            byState.put(s.label(), count(s));
        }
        List<RolloutView.Box> boxes = new ArrayList<>();
        for (Entry e : withBoxes ? entries : List.<Entry>of()) {
            boxes.add(new RolloutView.Box(e.boxId, e.wave + 1, e.state.label(), e.profile, e.version, e.previousVersion,
                    e.sentAt == null ? null : Instant.ofEpochMilli(e.sentAt).toString(),
                    e.deferredUntil == null ? null : Instant.ofEpochMilli(e.deferredUntil).toString(), e.error));
        }
        return new RolloutView(id, state.label(), Instant.ofEpochMilli(createdAt).toString(), actor, request.profile(),
                request.target().describe(), request.force(), request.note(), wave + 1, waveSizes, reason, byState, boxes);
    }

    // ------------------------------------------------------------------ changing

    void setState(RolloutState next, String why) {
        state = next;
        reason = why;
    }

    /** A person resumed it: the failures so far and the current wave are forgiven. */
    void resume() {
        failureBaseline = failed();
        acceptedWave = wave;
        setState(RolloutState.RUNNING, null);
    }

    void nextWave() {
        wave++;
    }

    void sent(Entry e, long version, long at) {
        move(e, BoxState.SENT);
        e.version = version;
        e.sentAt = at;
        e.deferredUntil = null;
        e.error = null;
    }

    void deferred(Entry e, long until) {
        move(e, BoxState.DEFERRED);
        e.deferredUntil = until;
    }

    /** The box is done with it: applied, rejected, rolled back or timed out, with why ({@code error}). */
    void settled(Entry e, BoxState done, String error) {
        move(e, done);
        e.error = error;
        e.body = null;
    }

    private void move(Entry e, BoxState next) {
        counts.merge(e.state, -1, Integer::sum);
        counts.merge(next, 1, Integer::sum);
        countInWave(e, -1);
        e.state = next;
        countInWave(e, 1);
    }
}
