package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.audit.Actor;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;

/**
 * The rollout state machine: starts a planned rollout, sends each wave's boxes when the time window
 * and the class-time guard let it, follows what the boxes report, times out boxes that say nothing,
 * pauses or aborts at the thresholds, advances waves, and rolls back. Not thread-safe: the facade
 * ({@link Rollouts}) calls it from its one thread; tests call it directly with {@link #tick()}.
 */
final class RolloutRunner {
    private static final Logger log = LoggerFactory.getLogger(RolloutRunner.class);

    private final RolloutStore store;
    private final DesiredConfigs configs;
    private final AuditTrail audit;
    private final LiveBoxes live;
    private final ObjectMapper json;
    private final Clock clock;
    /**
     * How many boxes one turn of the rollout thread signs, stores and publishes. Between turns the
     * thread answers API calls and takes in reports, so the first boxes apply while later ones are
     * still being signed, and a GET never waits for a whole 100,000-box wave.
     */
    static final int SEND_CHUNK = 1_000;

    private final Map<String, RolloutRun> runs = new LinkedHashMap<>();
    /**
     * Boxes whose state changed since the last {@link #flush()}: written in one transaction at the end
     * of each turn (a report, a batch of reports, a tick) with the state they have then.
     */
    private final Map<RolloutRun.Entry, RolloutRun> changed = new LinkedHashMap<>();
    /** Set when a turn stopped at {@link #SEND_CHUNK} with boxes still due. */
    private boolean moreDue;
    private long ids;
    private volatile ClassTimeGuard guard = ClassTimeGuard.NEVER_BUSY;
    private volatile RolloutListener listener = RolloutListener.NONE;

    RolloutRunner(RolloutStore store, DesiredConfigs configs, AuditTrail audit, LiveBoxes live, ObjectMapper json, Clock clock) {
        this.store = store;
        this.configs = configs;
        this.audit = audit;
        this.live = live;
        this.json = json;
        this.clock = clock;
    }

    /** Any thread: boxes the guard says are busy are deferred from the next tick on. */
    void useGuard(ClassTimeGuard guard) {
        this.guard = guard == null ? ClassTimeGuard.NEVER_BUSY : guard;
    }

    ClassTimeGuard guard() {
        return guard;
    }

    /** Any thread: told when a rollout pauses or aborts by its own thresholds (alerts). */
    void useListener(RolloutListener listener) {
        this.listener = listener == null ? RolloutListener.NONE : listener;
    }

    private void tellStopped(RolloutRun run, RolloutState state, String why) {
        try {
            listener.stopped(run.id(), state, why, run.request().target().describe(),
                    run.entries().stream().map(RolloutRun.Entry::boxId).toList());
        } catch (RuntimeException e) {
            log.warn("rollout {}: the stop listener failed: {}", run.id(), e.toString());
        }
    }

    /** Loads the stored rollouts and settles the boxes whose births (read before) say they applied. */
    void load() {
        for (RolloutStore.RolloutRow row : store.rollouts()) {
            runs.put(row.id(), RolloutRun.load(row, store.rolloutBoxes(row.id()), json));
        }
        ids = runs.size();
        // Boxes that applied while the controller was down said so in the retained births it just read.
        for (Map.Entry<String, Long> running : configs.runningVersions().entrySet()) {
            settle(running.getKey(), running.getValue(), BoxState.APPLIED, null);
        }
        flush();
    }

    /** Writes what is pending, then reads every rollout again (another controller node changed them). */
    void reload() {
        flush();
        runs.clear();
        load();
    }

    int size() {
        return runs.size();
    }

    long active() {
        return runs.values().stream().filter(r -> r.state().active()).count();
    }

    /** Whether the box is in a running or paused rollout (it cannot join another). */
    boolean inActiveRollout(String boxId) {
        for (RolloutRun run : runs.values()) {
            if (run.state().active() && run.entry(boxId) != null) {
                return true;
            }
        }
        return false;
    }

    Optional<RolloutView> get(String id) {
        return Optional.ofNullable(runs.get(id)).map(RolloutRun::view);
    }

    /** The newest first. */
    List<RolloutView> list(int limit) {
        return newest(limit).map(RolloutRun::view).toList();
    }

    /** The newest first, without their boxes. */
    List<RolloutView> summaries(int limit) {
        return newest(limit).map(RolloutRun::summary).toList();
    }

    private java.util.stream.Stream<RolloutRun> newest(int limit) {
        List<RolloutRun> all = new ArrayList<>(runs.values());
        java.util.Collections.reverse(all);
        return all.stream().limit(limit);
    }

    // ------------------------------------------------------------------ starting and acting

    /**
     * Stores and starts a planned rollout (its boxes are sent at the next tick), with its override
     * layers and profile assignments.
     *
     * @throws org.syncready.controller.refusal.Refusal {@code CONFLICT} when no box would change
     */
    RolloutView start(RolloutPlan plan, RolloutRequest request, JsonNode requestJson, Actor who) {
        return start(plan, request, requestJson, who, -1);
    }

    /** As {@link #start(RolloutPlan, RolloutRequest, JsonNode, Actor)}; {@code plannedMs}, how long planning took, is logged. */
    RolloutView start(RolloutPlan plan, RolloutRequest request, JsonNode requestJson, Actor who, long plannedMs) {
        long t0 = System.nanoTime();
        String actor = who.name();
        if (plan.boxes().isEmpty()) {
            throw RolloutRefusal.conflict("/target", "every targeted box already runs this configuration: " + plan.unchanged());
        }
        long now = clock.millis();
        String id = "r-" + Long.toString(now, 36) + "-" + (++ids);
        ObjectNode previous = json.createObjectNode();
        for (String school : request.schoolOverrides().keySet()) {
            previous.put("school:" + school, configs.overrideText("school:" + school));
        }
        for (String box : request.boxOverrides().keySet()) {
            previous.put("box:" + box, configs.overrideText("box:" + box));
        }
        ObjectNode profiles = previous.putObject("profiles");
        Map<String, Long> previousVersions = new HashMap<>();
        Map<String, String> newProfiles = new LinkedHashMap<>();
        for (RolloutPlan.Box b : plan.boxes()) {
            configs.desired(b.boxId()).ifPresent(d -> previousVersions.put(b.boxId(), d.version()));
            String assigned = configs.profileOf(b.boxId());
            profiles.put(b.boxId(), assigned);
            if (!b.profile().equals(assigned)) {
                newProfiles.put(b.boxId(), b.profile());
            }
        }
        RolloutRun run = RolloutRun.start(id, now, actor, request, requestJson, plan, previous.toString(), previousVersions);
        store.insertRollout(run.row(), run.boxRows(), newProfiles, now);
        for (Map.Entry<String, JsonNode> o : request.schoolOverrides().entrySet()) {
            configs.setOverride("school:" + o.getKey(), o.getValue(), actor, now);
        }
        for (Map.Entry<String, JsonNode> o : request.boxOverrides().entrySet()) {
            configs.setOverride("box:" + o.getKey(), o.getValue(), actor, now);
        }
        configs.assigned(newProfiles);
        runs.put(id, run);
        audit.record(who, "rollout.start", run.subject(), auditDetail(requestJson),
                "ok: " + plan.boxes().size() + " boxes in " + plan.waveSizes().size() + " waves");
        if (request.force()) {
            audit.record(who, "rollout.force", run.subject(), "class-time guard overridden", "ok");
        }
        log.info("rollout {} started by {}: {} boxes, waves {}, target {} (planned in {} ms, stored in {} ms)", id, actor,
                plan.boxes().size(), plan.waveSizes(), request.target().describe(), plannedMs, (System.nanoTime() - t0) / 1_000_000);
        return run.view();
    }

    /** A start refused while planning is audited with why (nothing else of it is stored). */
    void auditRefusal(Actor who, RolloutRequest request, JsonNode requestJson, RuntimeException refusal) {
        audit.record(who, "rollout.start", request.target() == null ? "?" : request.target().describe(), auditDetail(requestJson),
                "refused: " + refusal.getMessage());
    }

    /**
     * pause | resume | abort | rollback.
     *
     * @throws org.syncready.controller.refusal.Refusal {@code NOT_FOUND} for an unknown rollout or action,
     *                                                 {@code CONFLICT} when its state does not allow the action
     */
    RolloutView act(String id, String action, Actor who) {
        String actor = who.name();
        RolloutRun run = runs.get(id);
        if (run == null) {
            throw RolloutRefusal.notFound("no rollout '" + id + "'");
        }
        RolloutState before = run.state();
        String result;
        switch (action) {
            case "pause" -> {
                requireState(run, action, RolloutState.RUNNING);
                setState(run, RolloutState.PAUSED, "paused by " + actor);
                result = "ok";
            }
            case "resume" -> {
                requireState(run, action, RolloutState.PAUSED);
                run.resume();
                save(run);
                result = "ok";
            }
            case "abort" -> {
                if (!run.state().active()) {
                    throw RolloutRefusal.conflict("rollout " + id + " is " + run.state().label()
                            + "; only a running or paused one can be aborted");
                }
                setState(run, RolloutState.ABORTED, "aborted by " + actor);
                result = "ok: " + (run.count(BoxState.PENDING) + run.count(BoxState.DEFERRED)) + " boxes not sent";
            }
            case "rollback" -> {
                if (run.state() == RolloutState.ROLLED_BACK) {
                    throw RolloutRefusal.conflict("rollout " + id + " is already rolled back");
                }
                result = rollback(run, actor);
            }
            default -> throw RolloutRefusal.notFound("no action '" + action + "'; use pause, resume, abort or rollback");
        }
        audit.record(who, "rollout." + action, run.subject(), "from " + before.label(), result);
        return run.view();
    }

    private static void requireState(RolloutRun run, String action, RolloutState needed) {
        if (run.state() != needed) {
            throw RolloutRefusal.conflict("cannot " + action + " rollout " + run.id() + ": it is " + run.state().label()
                    + ", not " + needed.label());
        }
    }

    // ------------------------------------------------------------------ what boxes say

    /**
     * Reports in the order they came: stored in one transaction, then each settles its box; the boxes'
     * new states are written together at the end.
     */
    void onReported(List<ReceivedReport> reports) {
        configs.reported(reports);
        for (ReceivedReport report : reports) {
            ConfigReported r = report.report();
            log.info("box={} config version {} {}{}", r.boxId(), r.version(), r.result(), r.error() == null ? "" : ": " + r.error());
            BoxState state = switch (r.result()) {
                case APPLIED -> BoxState.APPLIED;
                case REJECTED -> BoxState.REJECTED;
                case ROLLED_BACK -> BoxState.ROLLED_BACK;
            };
            if (state == BoxState.APPLIED) {
                // In order: a refusal earlier in the batch must not see a version the box applied after it
                // (it would renumber a document the box is applying, and send it twice).
                configs.running(r.boxId(), r.version());
            } else if (state == BoxState.REJECTED) {
                // Refused as not newer than what the box runs: numbered above it and sent again, not failed.
                // Only the refused document: one renumbered since (by a birth) is already on its way.
                resendAboveApplied(r.boxId(), r.version());
            }
            settle(r.boxId(), r.version(), state, r.error());
        }
        flush();
    }

    /** A birth: the version the box runs now (null: none). A box whose report was lost still says it here. */
    void onRunning(String boxId, Long version) {
        configs.running(boxId, version);
        if (version != null) {
            settle(boxId, version, BoxState.APPLIED, null);
            resendAboveApplied(boxId, null);
        }
        flush();
    }

    private void settle(String boxId, long version, BoxState state, String error) {
        for (RolloutRun run : runs.values()) {
            if (!run.state().active() && run.state() != RolloutState.ABORTED) {
                continue;
            }
            RolloutRun.Entry e = run.entry(boxId);
            if (e != null && e.state() == BoxState.SENT && e.version() != null && e.version() == version) {
                run.settled(e, state, error);
                saveBox(run, e);
                evaluate(run);
            }
        }
    }

    /**
     * A box ignores a document whose version is not newer than the one it runs. When the box runs a
     * version at or above the one a rollout sent it (the controller's database was restored from a
     * backup, or the box kept its state across a new one), the document is numbered above the box's
     * version and sent again.
     */
    private void resendAboveApplied(String boxId, Long refused) {
        Optional<Long> applied = configs.appliedVersion(boxId);
        if (applied.isEmpty() || applied.get() >= DesiredConfigs.MAX_VERSION) {
            return;
        }
        long now = clock.millis();
        for (RolloutRun run : runs.values()) {
            RolloutRun.Entry e = run.state().active() ? run.entry(boxId) : null;
            if (e != null && e.state() == BoxState.SENT && e.version() != null && e.version() <= applied.get()
                    && (refused == null || refused.equals(e.version()))) {
                long stale = e.version();
                RolloutStore.Desired d = configs.sign(boxId, e.profile(), e.body(), now);
                store.recordSent(run.id(), List.of(d), now);
                run.sent(e, d.version(), now);
                configs.publish(d);
                log.info("rollout {} box={} runs version {}, not below the {} sent: sent again as version {}", run.id(), boxId,
                        applied.get(), stale, d.version());
            }
        }
    }

    // ------------------------------------------------------------------ the tick

    /**
     * One round: times out sent boxes that said nothing (in any rollout, also an aborted one), sends
     * the due boxes of running rollouts (at most {@link #SEND_CHUNK} a turn), and advances, pauses or
     * aborts each active rollout.
     *
     * @return whether boxes are still due now: the caller runs another turn soon, after what is queued
     */
    boolean tick() {
        moreDue = false;
        Instant now = clock.instant();
        for (RolloutRun run : runs.values()) {
            if (run.count(BoxState.SENT) > 0) {
                timeOut(run, now);
            }
            if (!run.state().active()) {
                continue;
            }
            if (run.state() == RolloutState.RUNNING) {
                sendDue(run, now);
            }
            evaluate(run);
        }
        flush();
        return moreDue;
    }

    private void timeOut(RolloutRun run, Instant now) {
        Duration timeout = run.request().strategy().boxTimeout();
        for (RolloutRun.Entry e : run.entries()) {
            if (e.state() == BoxState.SENT && now.toEpochMilli() - e.sentAt() >= timeout.toMillis()) {
                String why = "no report within " + timeout.toSeconds() + " s" + liveDetail(e.boxId());
                run.settled(e, BoxState.TIMED_OUT, why);
                log.info("rollout {} box={} timed out: {}", run.id(), e.boxId(), why);
                saveBox(run, e);
            }
        }
    }

    /** What the live fleet says of a silent box, for the people who read why it timed out. */
    private String liveDetail(String boxId) {
        return live.seen(boxId).map(s -> !s.online() ? "; the box is offline"
                : s.configVersion() == null ? "; the box is online and runs no configuration from the controller"
                : "; the box is online and runs version " + s.configVersion()).orElse("");
    }

    private void sendDue(RolloutRun run, Instant now) {
        RolloutRequest.TimeWindow window = run.request().strategy().window();
        if ((window != null && !window.contains(now)) || !configs.canPublish()) {
            return;
        }
        ClassTimeGuard g = guard;
        List<RolloutRun.Entry> due = new ArrayList<>();
        for (RolloutRun.Entry e : run.entries()) {
            if (e.wave() > run.wave() || (e.state() != BoxState.PENDING && e.state() != BoxState.DEFERRED)) {
                continue;
            }
            if (e.state() == BoxState.DEFERRED && e.deferredUntil() != null && now.toEpochMilli() < e.deferredUntil()) {
                continue;
            }
            Optional<Instant> busy = run.request().force() ? Optional.empty() : g.busyUntil(e.boxId(), now);
            if (busy.isPresent() && busy.get().isAfter(now)) {
                if (e.state() != BoxState.DEFERRED || !Long.valueOf(busy.get().toEpochMilli()).equals(e.deferredUntil())) {
                    run.deferred(e, busy.get().toEpochMilli());
                    log.info("rollout {} box={} deferred until {}: in class", run.id(), e.boxId(), busy.get());
                    saveBox(run, e);
                }
                continue;
            }
            if (due.size() == SEND_CHUNK) {
                moreDue = true;
                break;
            }
            due.add(e);
        }
        if (!due.isEmpty()) {
            sendAll(run, due, now.toEpochMilli());
        }
    }

    /** Signs the due boxes' documents, stores them and the boxes' new state in one transaction, then publishes. */
    private void sendAll(RolloutRun run, List<RolloutRun.Entry> due, long now) {
        List<DesiredConfigs.Unsigned> unsigned = new ArrayList<>(due.size());
        for (RolloutRun.Entry e : due) {
            unsigned.add(new DesiredConfigs.Unsigned(e.boxId(), e.profile(), e.body()));
        }
        List<RolloutStore.Desired> docs = configs.signAll(unsigned, now);
        store.recordSent(run.id(), docs, now);
        for (int i = 0; i < due.size(); i++) {
            RolloutStore.Desired d = docs.get(i);
            run.sent(due.get(i), d.version(), now);
            configs.publish(d);
            log.debug("box={} config version {} ({}) published by rollout {}", d.boxId(), d.version(), d.profile(), run.id());
        }
        log.info("rollout {} wave {}: {} boxes sent", run.id(), run.wave() + 1, due.size());
    }

    private void evaluate(RolloutRun run) {
        if (!run.state().active()) {
            return;
        }
        RolloutRequest.Strategy strategy = run.request().strategy();
        int total = run.entries().size();
        long failed = run.failed() - run.failureBaseline();
        if (run.state() == RolloutState.RUNNING && failed >= strategy.failureThreshold().of(total)) {
            String why = "failure threshold reached: " + failed + " of " + total + " boxes failed (threshold "
                    + strategy.failureThreshold() + ")";
            boolean abort = strategy.abortOnFailure();
            setState(run, abort ? RolloutState.ABORTED : RolloutState.PAUSED, why);
            audit.record(Actor.SYSTEM, abort ? "rollout.abort" : "rollout.pause", run.subject(), why, "ok");
            log.warn("rollout {} {}: {}", run.id(), abort ? "aborted" : "paused", why);
            tellStopped(run, run.state(), why);
            return;
        }
        if (run.state() != RolloutState.RUNNING) {
            return;
        }
        if (!run.waveDone(run.wave())) {
            return;
        }
        int waveSize = run.waveTotal(run.wave());
        long applied = run.waveApplied(run.wave());
        int needed = strategy.successThreshold().of(waveSize);
        if (applied < needed && run.acceptedWave() != run.wave()) {
            String why = "wave " + (run.wave() + 1) + ": " + applied + " of " + waveSize + " boxes applied, " + needed
                    + " needed to go on";
            setState(run, RolloutState.PAUSED, why);
            audit.record(Actor.SYSTEM, "rollout.pause", run.subject(), why, "ok");
            tellStopped(run, RolloutState.PAUSED, why);
            return;
        }
        if (run.wave() + 1 >= run.waveSizes().size()) {
            setState(run, RolloutState.COMPLETED, null);
            audit.record(Actor.SYSTEM, "rollout.complete", run.subject(), applied + " boxes in the last wave applied", "ok");
            log.info("rollout {} completed", run.id());
            return;
        }
        run.nextWave();
        save(run);
        log.info("rollout {} wave {} of {} starts ({} boxes)", run.id(), run.wave() + 1, run.waveSizes().size(),
                run.waveSizes().get(run.wave()));
        sendDue(run, clock.instant());
    }

    // ------------------------------------------------------------------ rollback

    /**
     * Stops the rollout and publishes every sent box's previous desired document again as a new version;
     * the override layers and profiles it replaced come back too, so the next rollout renders from them.
     */
    private String rollback(RolloutRun run, String actor) {
        long now = clock.millis();
        if (run.state().active()) {
            run.setState(RolloutState.ABORTED, run.reason()); // stop sending before restoring
        }
        int restored = 0;
        List<String> without = new ArrayList<>();
        for (RolloutRun.Entry e : run.entries()) {
            if (e.version() == null) {
                continue;
            }
            Optional<ConfigDesired> old = e.previousVersion() == null ? Optional.empty()
                    : configs.stored(e.boxId(), e.previousVersion());
            if (old.isEmpty()) {
                without.add(e.boxId());
                continue;
            }
            configs.publishNew(e.boxId(), old.get().profile(), old.get().body(), run.id() + "/rollback", now);
            restored++;
        }
        configs.restoreLayers(run.previousOverrides(), actor, now);
        setState(run, RolloutState.ROLLED_BACK, "rolled back by " + actor + ": " + restored + " boxes sent their previous configuration"
                + (without.isEmpty() ? "" : "; no previous configuration for " + without));
        return "ok: " + restored + " boxes restored" + (without.isEmpty() ? "" : ", " + without.size() + " had no previous configuration");
    }

    // ------------------------------------------------------------------ plumbing

    private void setState(RolloutRun run, RolloutState state, String reason) {
        run.setState(state, reason);
        save(run);
    }

    private void save(RolloutRun run) {
        store.updateRollout(run.id(), run.state(), run.wave(), run.reason(), run.failureBaseline(), run.acceptedWave(), clock.millis());
    }

    private void saveBox(RolloutRun run, RolloutRun.Entry e) {
        changed.put(e, run);
    }

    /** Writes the boxes changed in this turn, each with the state it has now, in one transaction. */
    private void flush() {
        if (changed.isEmpty()) {
            return;
        }
        List<RolloutStore.BoxRow> rows = new ArrayList<>(changed.size());
        changed.forEach((e, run) -> rows.add(e.stateRow(run.id())));
        changed.clear();
        store.updateBoxes(rows, clock.millis());
    }

    /**
     * The request as audited: override layers are named, not copied, since they carry stream keys and
     * camera passwords (the layers themselves are in the store and in each box's desired document).
     */
    String auditDetail(JsonNode request) {
        if (!request.has("overrides") || !request.get("overrides").isObject()) {
            return request.toString();
        }
        ObjectNode copy = request.deepCopy();
        ObjectNode named = json.createObjectNode();
        request.get("overrides").fields().forEachRemaining(scope -> {
            ArrayNode boxIds = named.putArray(scope.getKey());
            if (scope.getValue().isObject()) {
                scope.getValue().fieldNames().forEachRemaining(boxIds::add);
            }
        });
        copy.set("overrides", named);
        return copy.toString();
    }
}
