package org.syncready.controller.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.mqtt.ControllerMqttClient;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.firmware.ProfileException;
import org.syncready.firmware.ProfileProblem;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.Channel;
import org.syncready.protocol.ConfigDesired;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.ConfigSigning;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.Protocol;
import org.syncready.protocol.Topics;

/**
 * The rollout engine. All state changes run on one thread ({@code rollouts}), which also does the
 * JDBC of rollouts (never an event loop): API calls hand it work and wait on a worker thread; MQTT
 * reports are queued to it without waiting. That queue grows at most by one report per box per
 * version sent, so it stays bounded by the fleet size. Every second (real time) a tick sends the
 * boxes whose wave has started, checks guards, windows and timeouts against the injected clock,
 * and advances, pauses or aborts each rollout.
 */
public final class Rollouts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rollouts.class);
    private static final int MAX_PAYLOAD = 65_536;
    private static final int MAX_PROBLEMS = 50;

    private final FleetRegistry registry;
    private final ProfileCatalogue catalogue;
    private final ConfigSigner signer;
    private final ConfigStore store;
    private final AuditLog audit;
    private final ControllerMqttClient mqtt;
    private final MessageCodec codec;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration driftGrace;
    private final ScheduledExecutorService thread;
    private volatile ClassTimeGuard guard = ClassTimeGuard.NEVER_BUSY;

    /** Read by any thread (drift queries); written on the rollout thread. */
    private final Map<String, ConfigStore.Desired> desired = new ConcurrentHashMap<>();
    private final Map<String, ConfigStore.Reported> reported = new ConcurrentHashMap<>();
    private final Map<String, Long> runningVersion = new ConcurrentHashMap<>();
    /** Rollout-thread only. */
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, String> overrides = new HashMap<>();
    private final Map<String, String> boxProfiles = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** One rollout in memory. */
    private static final class Run {
        String id;
        long createdAt;
        String actor;
        JsonNode requestJson;
        RolloutRequest request;
        RolloutState state;
        int wave;
        String reason;
        JsonNode previousOverrides;
        List<Integer> waveSizes = new ArrayList<>();
        List<Entry> boxes = new ArrayList<>();
        /** The same entries by box id (a box is once in a rollout): a report finds its entry without scanning them all. */
        Map<String, Entry> byBox = new HashMap<>();
        /**
         * Set by resume: failures before it do not count against the threshold again, and a finished
         * wave below its success threshold is accepted, since a person looked and decided to go on.
         */
        long failureBaseline;
        int acceptedWave = -1;

        void add(Entry e) {
            boxes.add(e);
            byBox.put(e.boxId, e);
        }
    }

    private static final class Entry {
        String boxId;
        int position;
        int wave;
        BoxState state;
        String profile;
        JsonNode body;
        Long previousVersion;
        Long version;
        Long sentAt;
        Long deferredUntil;
        String error;
    }

    public Rollouts(FleetRegistry registry, ProfileCatalogue catalogue, ConfigSigner signer, javax.sql.DataSource db,
                    AuditLog audit, ControllerMqttClient mqtt, MessageCodec codec, Clock clock, Duration driftGrace) {
        this.registry = registry;
        this.catalogue = catalogue;
        this.signer = signer;
        this.store = new ConfigStore(db);
        this.audit = audit;
        this.mqtt = mqtt;
        this.codec = codec;
        this.json = codec.mapper();
        this.clock = clock;
        this.driftGrace = driftGrace;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollouts");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the store, re-publishes every box's latest desired document retained (the embedded broker
     * keeps nothing across restarts) and starts ticking.
     */
    public void start() throws Exception {
        call(() -> {
            desired.putAll(store.latestDesired());
            reported.putAll(store.reported());
            // putIfAbsent: a birth that arrived while loading is fresher than a stored report.
            reported.values().stream().filter(r -> r.result().equals("applied")).forEach(r -> runningVersion.putIfAbsent(r.boxId(), r.version()));
            overrides.putAll(store.overrides());
            boxProfiles.putAll(store.boxProfiles());
            for (ConfigStore.RolloutRow row : store.rollouts()) {
                runs.put(row.id(), load(row));
            }
            ids.set(runs.size());
            // Boxes that applied while the controller was down said so in the retained births it just read.
            for (Map.Entry<String, Long> running : new HashMap<>(runningVersion).entrySet()) {
                settle(running.getKey(), running.getValue(), BoxState.APPLIED, null);
            }
            int published = 0;
            for (ConfigStore.Desired d : desired.values()) {
                publish(d);
                published++;
            }
            log.info("rollouts: {} rollouts ({} active), {} desired configurations re-published, signing key {}", runs.size(),
                    runs.values().stream().filter(r -> r.state.active()).count(), published, signer.keyId());
            return null;
        });
        thread.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
    }

    /** Plugs the schedule in: boxes it says are busy are deferred. */
    public void useGuard(ClassTimeGuard guard) {
        this.guard = guard == null ? ClassTimeGuard.NEVER_BUSY : guard;
    }

    public ProfileCatalogue catalogue() {
        return catalogue;
    }

    /** The keys boxes pin at registration. */
    public List<String> publicKeysToPin() {
        return signer.publicKeysToPin();
    }

    // ------------------------------------------------------------------ API (worker threads)

    /** What the request would do; nothing is stored or published. */
    public RolloutPlan dryRun(RolloutRequest request) throws Exception {
        return call(() -> plan(request));
    }

    /** Starts a rollout; its first wave is sent at once. */
    public RolloutView start(RolloutRequest request, JsonNode requestJson, Actor who) throws Exception {
        String actor = who.name();
        return call(() -> {
            RolloutPlan plan;
            try {
                plan = plan(request);
            } catch (RolloutException e) {
                audit.record(who, "rollout.start", request.target() == null ? "?" : request.target().describe(),
                        auditDetail(requestJson), "refused: " + e.getMessage());
                throw e;
            }
            if (plan.boxes().isEmpty()) {
                throw new RolloutException(RolloutException.Kind.CONFLICT, List.of(new ProfileProblem("request", "/target",
                        "every targeted box already runs this configuration: " + plan.unchanged())));
            }
            long now = clock.millis();
            Run run = new Run();
            run.id = "r-" + Long.toString(now, 36) + "-" + ids.incrementAndGet();
            run.createdAt = now;
            run.actor = actor;
            run.requestJson = requestJson;
            run.request = request;
            run.state = RolloutState.RUNNING;
            run.waveSizes = plan.waveSizes();
            ObjectNode previous = json.createObjectNode();
            for (String school : request.schoolOverrides().keySet()) {
                previous.put("school:" + school, overrides.get("school:" + school));
            }
            for (String box : request.boxOverrides().keySet()) {
                previous.put("box:" + box, overrides.get("box:" + box));
            }
            ObjectNode profiles = previous.putObject("profiles");
            List<ConfigStore.BoxRow> rows = new ArrayList<>();
            int position = 0;
            for (RolloutPlan.Box b : plan.boxes()) {
                Entry e = new Entry();
                e.boxId = b.boxId();
                e.position = position++;
                e.wave = b.wave();
                e.state = BoxState.PENDING;
                e.profile = b.profile();
                e.body = b.body();
                ConfigStore.Desired current = desired.get(b.boxId());
                e.previousVersion = current == null ? null : current.version();
                run.add(e);
                profiles.put(b.boxId(), boxProfiles.get(b.boxId()));
                rows.add(row(run.id, e));
            }
            run.previousOverrides = previous;
            Map<String, String> newProfiles = new LinkedHashMap<>();
            for (Entry e : run.boxes) {
                if (!e.profile.equals(boxProfiles.get(e.boxId))) {
                    newProfiles.put(e.boxId, e.profile);
                }
            }
            store.insertRollout(new ConfigStore.RolloutRow(run.id, now, actor, requestJson.toString(), run.state.label(), 0, null,
                    previous.toString(), 0, -1), rows, newProfiles, now);
            for (Map.Entry<String, JsonNode> o : request.schoolOverrides().entrySet()) {
                setOverride("school:" + o.getKey(), o.getValue(), actor, now);
            }
            for (Map.Entry<String, JsonNode> o : request.boxOverrides().entrySet()) {
                setOverride("box:" + o.getKey(), o.getValue(), actor, now);
            }
            boxProfiles.putAll(newProfiles);
            runs.put(run.id, run);
            audit.record(who, "rollout.start", run.id + ": " + request.target().describe(),
                    auditDetail(requestJson), "ok: " + run.boxes.size() + " boxes in " + run.waveSizes.size() + " waves");
            if (request.force()) {
                audit.record(who, "rollout.force", run.id + ": " + request.target().describe(),
                        "class-time guard overridden", "ok");
            }
            log.info("rollout {} started by {}: {} boxes, waves {}, target {}", run.id, actor, run.boxes.size(), run.waveSizes,
                    request.target().describe());
            // Sent right after this answer, on this thread: the request does not wait for a large first wave.
            thread.execute(this::tickSafely);
            return view(run);
        });
    }

    public Optional<RolloutView> get(String id) throws Exception {
        return call(() -> Optional.ofNullable(runs.get(id)).map(this::view));
    }

    /** The newest first. */
    public List<RolloutView> list(int limit) throws Exception {
        return call(() -> {
            List<Run> all = new ArrayList<>(runs.values());
            java.util.Collections.reverse(all);
            return all.stream().limit(limit).map(this::view).toList();
        });
    }

    /** pause | resume | abort | rollback. */
    public RolloutView act(String id, String action, Actor who) throws Exception {
        String actor = who.name();
        return call(() -> {
            Run run = runs.get(id);
            if (run == null) {
                throw RolloutException.notFound("no rollout '" + id + "'");
            }
            RolloutState before = run.state;
            String result;
            switch (action) {
                case "pause" -> {
                    requireState(run, action, RolloutState.RUNNING);
                    setState(run, RolloutState.PAUSED, "paused by " + actor);
                    result = "ok";
                }
                case "resume" -> {
                    requireState(run, action, RolloutState.PAUSED);
                    run.failureBaseline = run.boxes.stream().filter(e -> e.state.failed()).count();
                    run.acceptedWave = run.wave;
                    setState(run, RolloutState.RUNNING, null);
                    result = "ok";
                }
                case "abort" -> {
                    if (!run.state.active()) {
                        throw RolloutException.conflict("rollout " + id + " is " + run.state.label() + "; only a running or paused one can be aborted");
                    }
                    setState(run, RolloutState.ABORTED, "aborted by " + actor);
                    result = "ok: " + run.boxes.stream().filter(e -> !e.state.terminal() && e.state != BoxState.SENT).count() + " boxes not sent";
                }
                case "rollback" -> {
                    if (run.state == RolloutState.ROLLED_BACK) {
                        throw RolloutException.conflict("rollout " + id + " is already rolled back");
                    }
                    result = rollback(run, actor);
                }
                default -> throw RolloutException.notFound("no action '" + action + "'; use pause, resume, abort or rollback");
            }
            audit.record(who, "rollout." + action, run.id + ": " + run.request.target().describe(),
                    "from " + before.label(), result);
            if (run.state == RolloutState.RUNNING) {
                thread.execute(this::tickSafely);
            }
            return view(run);
        });
    }

    /** The body {@code boxId} would get with {@code profile} (its stored overrides on top) and its diff to what it has. */
    public RolloutPlan.Box preview(String boxId, String profile) throws Exception {
        return call(() -> {
            JsonNode req = json.createObjectNode().put("profile", profile).set("target",
                    json.createObjectNode().set("boxes", json.createArrayNode().add(boxId)));
            RolloutPlan plan = plan(RolloutRequest.parse(req), true);
            return plan.boxes().get(0);
        });
    }

    /** Desired and reported configuration of one box, with its profile and override layers. */
    public Optional<ObjectNode> boxConfig(String boxId) throws Exception {
        return call(() -> {
            if (registry.box(boxId).isEmpty()) {
                return Optional.empty();
            }
            ObjectNode out = json.createObjectNode().put("boxId", boxId).put("profile", boxProfiles.get(boxId));
            String school = registry.schoolOf(boxId).orElse(null);
            ObjectNode layers = out.putObject("overrides");
            layers.set("school", tree(overrides.get("school:" + school)));
            layers.set("box", tree(overrides.get("box:" + boxId)));
            ConfigStore.Desired d = desired.get(boxId);
            out.set("desired", d == null ? null : json.readTree(d.payload()));
            ConfigStore.Reported r = reported.get(boxId);
            if (r != null) {
                out.putObject("reported").put("version", r.version()).put("result", r.result()).put("error", r.error())
                        .put("receivedAt", Instant.ofEpochMilli(r.receivedAt()).toString());
            } else {
                out.putNull("reported");
            }
            out.put("runningVersion", runningVersion.get(boxId));
            Optional<ConfigDrift> drift = drift(boxId, clock.instant());
            out.set("drift", drift.<JsonNode>map(x -> json.createObjectNode().put("desiredVersion", x.desiredVersion())
                    .put("reportedVersion", x.reportedVersion()).put("reportedResult", x.reportedResult())
                    .put("since", x.since().toString()).put("detail", x.detail())).orElse(null));
            return Optional.of(out);
        });
    }

    // ------------------------------------------------------------------ drift (any thread)

    /**
     * Whether {@code boxId} has not run its desired configuration for longer than the grace period: it
     * reported another version, rejected or rolled it back, or said nothing since it was published.
     */
    public Optional<ConfigDrift> drift(String boxId, Instant now) {
        ConfigStore.Desired d = desired.get(boxId);
        if (d == null) {
            return Optional.empty();
        }
        Long running = runningVersion.get(boxId);
        if (running != null && running == d.version()) {
            return Optional.empty();
        }
        Instant since = Instant.ofEpochMilli(d.createdAt());
        ConfigStore.Reported r = reported.get(boxId);
        boolean refused = r != null && r.version() == d.version() && !r.result().equals("applied");
        if (!refused && since.plus(driftGrace).isAfter(now)) {
            return Optional.empty();
        }
        String detail = refused ? "version " + d.version() + " " + r.result() + ": " + r.error()
                : "runs version " + (running == null ? "none" : running) + ", desired " + d.version() + " since " + since;
        return Optional.of(new ConfigDrift(boxId, d.version(), r == null ? running : Long.valueOf(r.version()),
                r == null ? null : r.result(), since, detail));
    }

    // ------------------------------------------------------------------ MQTT (callback thread)

    /** Config reports and births (which carry the running version); queued, never blocks the caller. */
    public void onMessage(AgentMessage message) {
        if (!(message instanceof ConfigReported) && !(message instanceof BirthMessage)) {
            return;
        }
        long at = clock.millis();
        try {
            thread.execute(() -> {
                try {
                    if (message instanceof ConfigReported r) {
                        onReported(r, at);
                    } else if (message instanceof BirthMessage b && b.configVersion() != null) {
                        onRunning(b.boxId(), b.configVersion());
                    }
                } catch (SQLException | RuntimeException e) {
                    log.error("box={} config report not processed: {}", message.boxId(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    // ------------------------------------------------------------------ rollout thread

    private void onReported(ConfigReported r, long at) throws SQLException {
        ConfigStore.Reported row = new ConfigStore.Reported(r.boxId(), r.version(), r.result().toString(), r.error(), at);
        store.putReported(row);
        reported.put(r.boxId(), row);
        if (r.result() == ConfigReported.Result.APPLIED) {
            runningVersion.put(r.boxId(), r.version());
        }
        log.info("box={} config version {} {}{}", r.boxId(), r.version(), r.result(), r.error() == null ? "" : ": " + r.error());
        BoxState state = switch (r.result()) {
            case APPLIED -> BoxState.APPLIED;
            case REJECTED -> BoxState.REJECTED;
            case ROLLED_BACK -> BoxState.ROLLED_BACK;
        };
        settle(r.boxId(), r.version(), state, r.error());
    }

    private void onRunning(String boxId, long version) throws SQLException {
        runningVersion.put(boxId, version);
        // A box whose report was lost (sent while it was disconnected) still says in its birth what it runs.
        settle(boxId, version, BoxState.APPLIED, null);
    }

    private void settle(String boxId, long version, BoxState state, String error) throws SQLException {
        for (Run run : runs.values()) {
            if (!run.state.active() && run.state != RolloutState.ABORTED) {
                continue;
            }
            Entry e = run.byBox.get(boxId);
            if (e != null && e.state == BoxState.SENT && e.version != null && e.version == version) {
                e.state = state;
                e.error = error;
                e.body = null;
                saveBox(run, e);
                evaluate(run);
            }
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (Exception | Error e) {
            log.error("rollout tick failed", e);
        }
    }

    private void tick() throws SQLException {
        Instant now = clock.instant();
        for (Run run : runs.values()) {
            if (!run.state.active()) {
                continue;
            }
            for (Entry e : run.boxes) {
                if (e.state == BoxState.SENT && now.toEpochMilli() - e.sentAt >= run.request.strategy().boxTimeout().toMillis()) {
                    e.state = BoxState.TIMED_OUT;
                    e.error = "no report within " + run.request.strategy().boxTimeout().toSeconds() + " s";
                    e.body = null;
                    log.info("rollout {} box={} timed out", run.id, e.boxId);
                    saveBox(run, e);
                }
            }
            if (run.state == RolloutState.RUNNING) {
                sendDue(run, now);
            }
            evaluate(run);
        }
    }

    private void sendDue(Run run, Instant now) throws SQLException {
        RolloutRequest.TimeWindow window = run.request.strategy().window();
        boolean inWindow = window == null || window.contains(now);
        List<Entry> due = new ArrayList<>();
        for (Entry e : run.boxes) {
            if (e.wave > run.wave || (e.state != BoxState.PENDING && e.state != BoxState.DEFERRED)) {
                continue;
            }
            if (e.state == BoxState.DEFERRED && e.deferredUntil != null && now.toEpochMilli() < e.deferredUntil) {
                continue;
            }
            if (!inWindow || !mqtt.isConnected()) {
                continue;
            }
            Optional<Instant> busy = run.request.force() ? Optional.empty() : guard.busyUntil(e.boxId, now);
            if (busy.isPresent() && busy.get().isAfter(now)) {
                if (e.state != BoxState.DEFERRED || !Long.valueOf(busy.get().toEpochMilli()).equals(e.deferredUntil)) {
                    e.state = BoxState.DEFERRED;
                    e.deferredUntil = busy.get().toEpochMilli();
                    log.info("rollout {} box={} deferred until {}: in class", run.id, e.boxId, busy.get());
                    saveBox(run, e);
                }
                continue;
            }
            due.add(e);
        }
        if (!due.isEmpty()) {
            sendAll(run, due, now.toEpochMilli());
        }
    }

    /** Signs the due boxes' documents, stores them and the boxes' new state in one transaction, then publishes. */
    private void sendAll(Run run, List<Entry> due, long now) throws SQLException {
        List<ConfigStore.Desired> docs = new ArrayList<>();
        for (Entry e : due) {
            docs.add(sign(e.boxId, e.profile, e.body, now));
        }
        store.recordSent(run.id, docs, now);
        for (int i = 0; i < due.size(); i++) {
            Entry e = due.get(i);
            ConfigStore.Desired d = docs.get(i);
            e.version = d.version();
            e.sentAt = now;
            e.deferredUntil = null;
            e.error = null;
            e.state = BoxState.SENT;
            desired.put(e.boxId, d);
            publish(d);
            log.debug("box={} config version {} ({}) published by rollout {}", e.boxId, d.version(), d.profile(), run.id);
        }
        log.info("rollout {} wave {}: {} boxes sent", run.id, run.wave + 1, due.size());
    }

    /** The next version of a box's desired document, signed; not stored or published yet. */
    private ConfigStore.Desired sign(String boxId, String profile, JsonNode body, long now) {
        ConfigStore.Desired current = desired.get(boxId);
        long version = current == null ? 1 : current.version() + 1;
        String sha = ConfigSigning.sha256(body);
        ConfigDesired doc = new ConfigDesired(Protocol.VERSION, boxId, now, version, profile, sha, body,
                signer.sign(boxId, version, profile, sha));
        return new ConfigStore.Desired(boxId, version, profile, sha, new String(codec.encode(doc),
                java.nio.charset.StandardCharsets.UTF_8), now);
    }

    /** Signs, stores and publishes the next version of a box's desired configuration (rollback). */
    private ConfigStore.Desired publishNew(String boxId, String profile, JsonNode body, String rolloutId, long now) throws SQLException {
        ConfigStore.Desired d = sign(boxId, profile, body, now);
        store.insertDesired(d, rolloutId);
        desired.put(boxId, d);
        publish(d);
        log.info("box={} config version {} ({}) published by {}", boxId, d.version(), profile, rolloutId);
        return d;
    }

    private void publish(ConfigStore.Desired d) {
        MqttProperties props = new MqttProperties();
        props.setPayloadFormat(true);
        props.setContentType("application/json");
        mqtt.publish(Topics.of(d.boxId(), Channel.CONFIG_DESIRED), d.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8), true, props)
                .whenComplete((ok, err) -> {
                    if (err != null) {
                        log.warn("box={} config version {} not published: {} (re-published at the next start)", d.boxId(), d.version(),
                                err.getMessage());
                    }
                });
    }

    private void evaluate(Run run) throws SQLException {
        if (run.state != RolloutState.RUNNING && run.state != RolloutState.PAUSED) {
            return;
        }
        int total = run.boxes.size();
        long failed = run.boxes.stream().filter(e -> e.state.failed()).count() - run.failureBaseline;
        int threshold = run.request.strategy().failureThreshold().of(total);
        if (run.state == RolloutState.RUNNING && failed >= threshold) {
            String why = "failure threshold reached: " + failed + " of " + total + " boxes failed (threshold "
                    + run.request.strategy().failureThreshold() + ")";
            boolean abort = run.request.strategy().abortOnFailure();
            setState(run, abort ? RolloutState.ABORTED : RolloutState.PAUSED, why);
            audit.record(Actor.SYSTEM, abort ? "rollout.abort" : "rollout.pause", run.id + ": " + run.request.target().describe(), why, "ok");
            log.warn("rollout {} {}: {}", run.id, abort ? "aborted" : "paused", why);
            return;
        }
        if (run.state != RolloutState.RUNNING) {
            return;
        }
        List<Entry> wave = run.boxes.stream().filter(e -> e.wave == run.wave).toList();
        if (!wave.stream().allMatch(e -> e.state.terminal())) {
            return;
        }
        long applied = wave.stream().filter(e -> e.state == BoxState.APPLIED).count();
        int needed = run.request.strategy().successThreshold().of(wave.size());
        if (applied < needed && run.acceptedWave != run.wave) {
            String why = "wave " + (run.wave + 1) + ": " + applied + " of " + wave.size() + " boxes applied, "
                    + needed + " needed to go on";
            setState(run, RolloutState.PAUSED, why);
            audit.record(Actor.SYSTEM, "rollout.pause", run.id + ": " + run.request.target().describe(), why, "ok");
            return;
        }
        if (run.wave + 1 >= run.waveSizes.size()) {
            setState(run, RolloutState.COMPLETED, null);
            audit.record(Actor.SYSTEM, "rollout.complete", run.id + ": " + run.request.target().describe(),
                    applied + " boxes in the last wave applied", "ok");
            log.info("rollout {} completed", run.id);
            return;
        }
        run.wave++;
        store.updateRollout(run.id, run.state.label(), run.wave, run.reason, run.failureBaseline, run.acceptedWave, clock.millis());
        log.info("rollout {} wave {} of {} starts ({} boxes)", run.id, run.wave + 1, run.waveSizes.size(), run.waveSizes.get(run.wave));
        sendDue(run, clock.instant());
    }

    private String rollback(Run run, String actor) throws SQLException {
        long now = clock.millis();
        if (run.state.active()) {
            run.state = RolloutState.ABORTED; // stop sending before restoring
        }
        int restored = 0;
        List<String> without = new ArrayList<>();
        for (Entry e : run.boxes) {
            if (e.version == null) {
                continue;
            }
            if (e.previousVersion == null) {
                without.add(e.boxId);
                continue;
            }
            Optional<ConfigStore.Desired> prev = store.desired(e.boxId, e.previousVersion);
            if (prev.isEmpty()) {
                without.add(e.boxId);
                continue;
            }
            try {
                ConfigDesired old = codec.decode(ConfigDesired.class, prev.get().payload().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                publishNew(e.boxId, old.profile(), old.body(), run.id + "/rollback", now);
                restored++;
            } catch (org.syncready.protocol.ProtocolException ex) {
                without.add(e.boxId);
            }
        }
        // The override layers and profiles the rollout replaced come back too, so the next rollout renders from them.
        JsonNode prev = run.previousOverrides;
        if (prev != null) {
            for (java.util.Iterator<Map.Entry<String, JsonNode>> it = prev.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("profiles")) {
                    for (java.util.Iterator<Map.Entry<String, JsonNode>> p = f.getValue().fields(); p.hasNext(); ) {
                        Map.Entry<String, JsonNode> bp = p.next();
                        if (!bp.getValue().isNull()) {
                            store.putBoxProfile(bp.getKey(), bp.getValue().asText(), now);
                            boxProfiles.put(bp.getKey(), bp.getValue().asText());
                        }
                    }
                } else {
                    String body = f.getValue().isNull() ? null : f.getValue().asText();
                    store.putOverride(f.getKey(), body, now, actor);
                    if (body == null) {
                        overrides.remove(f.getKey());
                    } else {
                        overrides.put(f.getKey(), body);
                    }
                }
            }
        }
        setState(run, RolloutState.ROLLED_BACK, "rolled back by " + actor + ": " + restored + " boxes sent their previous configuration"
                + (without.isEmpty() ? "" : "; no previous configuration for " + without));
        return "ok: " + restored + " boxes restored" + (without.isEmpty() ? "" : ", " + without.size() + " had no previous configuration");
    }

    /**
     * The request as audited: override layers are named, not copied, since they carry stream keys and
     * camera passwords (the layers themselves are in the store and in each box's desired document).
     */
    private String auditDetail(JsonNode request) {
        if (!request.has("overrides") || !request.get("overrides").isObject()) {
            return request.toString();
        }
        ObjectNode copy = request.deepCopy();
        ObjectNode named = json.createObjectNode();
        request.get("overrides").fields().forEachRemaining(scope -> {
            com.fasterxml.jackson.databind.node.ArrayNode ids = named.putArray(scope.getKey());
            if (scope.getValue().isObject()) {
                scope.getValue().fieldNames().forEachRemaining(ids::add);
            }
        });
        copy.set("overrides", named);
        return copy.toString();
    }

    private void setOverride(String key, JsonNode layer, String actor, long now) throws SQLException {
        String body = layer == null || layer.isEmpty() ? null : layer.toString();
        store.putOverride(key, body, now, actor);
        if (body == null) {
            overrides.remove(key);
        } else {
            overrides.put(key, body);
        }
    }

    private void setState(Run run, RolloutState state, String reason) throws SQLException {
        run.state = state;
        run.reason = reason;
        store.updateRollout(run.id, state.label(), run.wave, reason, run.failureBaseline, run.acceptedWave, clock.millis());
    }

    private static void requireState(Run run, String action, RolloutState needed) throws RolloutException {
        if (run.state != needed) {
            throw RolloutException.conflict("cannot " + action + " rollout " + run.id + ": it is " + run.state.label()
                    + ", not " + needed.label());
        }
    }

    private void saveBox(Run run, Entry e) throws SQLException {
        store.updateBox(run.id, e.boxId, e.state.label(), e.version, e.sentAt, e.deferredUntil, e.error, clock.millis());
    }

    // ------------------------------------------------------------------ planning

    private RolloutPlan plan(RolloutRequest request) throws RolloutException {
        return plan(request, false);
    }

    private RolloutPlan plan(RolloutRequest request, boolean includeUnchanged) throws RolloutException {
        List<ProfileProblem> problems = new ArrayList<>();
        List<Box> boxes = select(request.target(), problems);
        Set<String> targetSchools = new LinkedHashSet<>();
        Set<String> targetBoxes = new LinkedHashSet<>();
        for (Box b : boxes) {
            targetBoxes.add(b.id());
            registry.schoolOf(b.id()).ifPresent(targetSchools::add);
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
        Set<String> busyElsewhere = new LinkedHashSet<>();
        for (Run run : runs.values()) {
            if (run.state.active()) {
                run.boxes.stream().map(e -> e.boxId).filter(targetBoxes::contains).forEach(busyElsewhere::add);
            }
        }
        if (!problems.isEmpty()) {
            throw new RolloutException(RolloutException.Kind.INVALID, problems);
        }
        Instant now = clock.instant();
        List<RolloutPlan.Box> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Box box : boxes) {
            String profile = request.profile() != null ? request.profile() : boxProfiles.get(box.id());
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
            String school = registry.schoolOf(box.id()).orElse(null);
            Map<String, JsonNode> layers = new LinkedHashMap<>();
            layers.put("override school " + school, request.schoolOverrides().containsKey(school)
                    ? request.schoolOverrides().get(school) : tree(overrides.get("school:" + school)));
            layers.put("override box " + box.id(), request.boxOverrides().containsKey(box.id())
                    ? request.boxOverrides().get(box.id()) : tree(overrides.get("box:" + box.id())));
            JsonNode body;
            try {
                body = catalogue.render(profile, layers);
            } catch (ProfileException e) {
                for (ProfileProblem p : e.problems()) {
                    if (seen.add(p.toString())) {
                        problems.add(p);
                    }
                }
                continue;
            }
            ConfigStore.Desired current = desired.get(box.id());
            JsonNode currentBody = null;
            if (current != null) {
                try {
                    currentBody = json.readTree(current.payload()).get("body");
                } catch (JsonProcessingException e) {
                    currentBody = null;
                }
            }
            Long running = runningVersion.get(box.id());
            boolean same = current != null && current.profile().equals(profile) && current.sha256().equals(ConfigSigning.sha256(body))
                    && running != null && running == current.version();
            if (same && !includeUnchanged) {
                unchanged.add(box.id());
                continue;
            }
            int size = estimateSize(box.id(), profile, body);
            if (size > MAX_PAYLOAD) {
                problems.add(new ProfileProblem("request", "/", "box " + box.id() + ": the signed document would be " + size
                        + " bytes, over the 65536 a message may carry"));
                continue;
            }
            Optional<Instant> busy = request.force() ? Optional.empty() : guard.busyUntil(box.id(), now);
            List<RolloutPlan.Change> diff = JsonDiff.of(currentBody, body).stream()
                    .map(c -> new RolloutPlan.Change(c.path(), c.from(), c.to())).toList();
            changed.add(new RolloutPlan.Box(box.id(), school, box.classroomId(), box.model(), profile, 0,
                    current == null ? "first" : same ? "none" : "update", busy.filter(i -> i.isAfter(now)).map(Instant::toString).orElse(null),
                    diff, body));
        }
        if (!problems.isEmpty()) {
            throw new RolloutException(RolloutException.Kind.INVALID, problems.stream().limit(MAX_PROBLEMS).toList());
        }
        if (!busyElsewhere.isEmpty() && !includeUnchanged) {
            throw RolloutException.conflict("boxes already in a running or paused rollout: " + busyElsewhere
                    + " (finish, abort or roll back that one first)");
        }
        List<Integer> sizes = waves(request.strategy().waves(), changed.size());
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

    private List<Box> select(RolloutRequest.Target t, List<ProfileProblem> problems) {
        Map<String, Box> out = new LinkedHashMap<>();
        for (int i = 0; i < t.boxes().size(); i++) {
            String id = t.boxes().get(i);
            Optional<Box> b = registry.box(id);
            if (b.isEmpty()) {
                problems.add(new ProfileProblem("request", "/target/boxes/" + i, "no box '" + id + "'"));
            } else {
                out.put(id, b.get());
            }
        }
        List<Box> all = registry.boxes().stream().sorted(java.util.Comparator.comparing(Box::id)).toList();
        for (int i = 0; i < t.classrooms().size(); i++) {
            String id = t.classrooms().get(i);
            if (registry.classroom(id).isEmpty()) {
                problems.add(new ProfileProblem("request", "/target/classrooms/" + i, "no classroom '" + id + "'"));
            }
            all.stream().filter(b -> b.classroomId().equals(id)).forEach(b -> out.putIfAbsent(b.id(), b));
        }
        for (int i = 0; i < t.schools().size(); i++) {
            String id = t.schools().get(i);
            if (registry.school(id).isEmpty()) {
                problems.add(new ProfileProblem("request", "/target/schools/" + i, "no school '" + id + "'"));
                continue;
            }
            Set<String> rooms = new LinkedHashSet<>();
            registry.classrooms(id).stream().map(Classroom::id).forEach(rooms::add);
            all.stream().filter(b -> rooms.contains(b.classroomId())).forEach(b -> out.putIfAbsent(b.id(), b));
        }
        boolean onlyModel = t.boxes().isEmpty() && t.classrooms().isEmpty() && t.schools().isEmpty();
        if (t.all() || (onlyModel && t.model() != null)) {
            all.forEach(b -> out.putIfAbsent(b.id(), b));
        }
        Collection<Box> chosen = out.values();
        if (t.model() != null) {
            chosen = chosen.stream().filter(b -> b.model().equals(t.model())).toList();
        }
        if (chosen.isEmpty() && problems.isEmpty()) {
            problems.add(new ProfileProblem("request", "/target", "selects no box: " + t.describe()));
        }
        return new ArrayList<>(chosen);
    }

    private int estimateSize(String boxId, String profile, JsonNode body) {
        ConfigDesired doc = new ConfigDesired(Protocol.VERSION, boxId, 1, Long.MAX_VALUE, profile, "0".repeat(64), body, "x".repeat(88));
        return codec.encode(doc).length;
    }

    private JsonNode tree(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored override is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ------------------------------------------------------------------ views and loading

    private RolloutView view(Run run) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (BoxState s : BoxState.values()) {
            counts.put(s.label(), 0);
        }
        List<RolloutView.Box> boxes = new ArrayList<>();
        for (Entry e : run.boxes) {
            counts.merge(e.state.label(), 1, Integer::sum);
            boxes.add(new RolloutView.Box(e.boxId, e.wave + 1, e.state.label(), e.profile, e.version, e.previousVersion,
                    e.sentAt == null ? null : Instant.ofEpochMilli(e.sentAt).toString(),
                    e.deferredUntil == null ? null : Instant.ofEpochMilli(e.deferredUntil).toString(), e.error));
        }
        return new RolloutView(run.id, run.state.label(), Instant.ofEpochMilli(run.createdAt).toString(), run.actor, run.request.profile(),
                run.request.target().describe(), run.request.force(), run.request.note(), run.wave + 1, run.waveSizes, run.reason,
                counts, boxes);
    }

    private Run load(ConfigStore.RolloutRow row) throws Exception {
        Run run = new Run();
        run.id = row.id();
        run.createdAt = row.createdAt();
        run.actor = row.actor();
        run.requestJson = json.readTree(row.request());
        run.request = RolloutRequest.parse(run.requestJson);
        run.state = RolloutState.of(row.state());
        run.wave = row.wave();
        run.reason = row.reason();
        run.previousOverrides = row.previousOverrides() == null ? null : json.readTree(row.previousOverrides());
        run.failureBaseline = row.failureBaseline();
        run.acceptedWave = row.acceptedWave();
        int[] perWave = new int[64];
        int maxWave = 0;
        for (ConfigStore.BoxRow b : store.rolloutBoxes(row.id())) {
            Entry e = new Entry();
            e.boxId = b.boxId();
            e.position = b.position();
            e.wave = b.wave();
            e.state = BoxState.valueOf(b.state().toUpperCase(java.util.Locale.ROOT));
            e.profile = b.profile();
            e.body = e.state.terminal() ? null : json.readTree(b.body());
            e.previousVersion = b.previousVersion();
            e.version = b.version();
            e.sentAt = b.sentAt();
            e.deferredUntil = b.deferredUntil();
            e.error = b.error();
            run.add(e);
            if (e.wave < perWave.length) {
                perWave[e.wave]++;
            }
            maxWave = Math.max(maxWave, e.wave);
        }
        for (int w = 0; w <= maxWave && w < perWave.length; w++) {
            run.waveSizes.add(perWave[w]);
        }
        return run;
    }

    private ConfigStore.BoxRow row(String rolloutId, Entry e) {
        return new ConfigStore.BoxRow(rolloutId, e.boxId, e.position, e.wave, e.state.label(), e.profile, e.body.toString(),
                e.previousVersion, e.version, e.sentAt, e.deferredUntil, e.error);
    }

    // ------------------------------------------------------------------ plumbing

    /** Runs {@code work} on the rollout thread and waits (callers are worker threads, never event loops). */
    private <T> T call(Callable<T> work) throws Exception {
        Future<T> f;
        try {
            f = thread.submit(work);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("rollouts are shutting down");
        }
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
