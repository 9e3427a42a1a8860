package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.refusal.Refusal;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.AgentMessage;
import org.syncready.protocol.BirthMessage;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.MessageCodec;

/**
 * Rollouts as the API, the CLI (through the API) and the controller's wiring see them. Everything runs
 * on one thread ({@code rollouts}), which also does the store's blocking calls (never an event loop):
 * API calls hand it work and wait on a worker thread; MQTT reports are queued to it without waiting.
 * That queue grows at most by one report per box per version sent (plus one birth per reconnect), so
 * it stays bounded by the fleet size. Every second (real time) it ticks the {@link RolloutRunner}
 * against the injected clock.
 *
 * <p>The parts: {@link RolloutPlanner} (pure: targets, waves, diffs), {@link DesiredConfigs} (each
 * box's desired and reported configuration: versions, drift, signing, publishing) and
 * {@link RolloutRunner} (the state machine). Refusals are {@link Refusal}s listing every problem.
 */
public final class Rollouts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rollouts.class);
    private static final long CALL_TIMEOUT_S = 60;
    /** Reports taken in per transaction: a burst of 10,000 is a few commits, not 20,000. */
    private static final int REPORT_BATCH = 2_000;

    private final BoxDirectory directory;
    private final ProfileCatalogue catalogue;
    private final ConfigSigner signer;
    private final ObjectMapper json;
    private final Clock clock;
    private final RolloutPlanner planner;
    private final DesiredConfigs configs;
    private final RolloutRunner runner;
    private final ScheduledExecutorService thread;
    /**
     * API calls waiting for the rollout thread. Every task of the thread runs them first, so a caller
     * waits for the task in progress, not for everything queued before it: at the end of a rollout to
     * 10,000 boxes thousands of reports are queued, and a {@code GET /api/v1/rollouts} waited behind
     * them for 20-60 s. Bounded by the callers, each of which blocks on its call (API worker threads).
     */
    private final Queue<FutureTask<?>> calls = new ConcurrentLinkedQueue<>();
    /** Reports and births not yet taken in by the rollout thread (see {@link #onMessage}). */
    private final Queue<Heard> heard = new ConcurrentLinkedQueue<>();
    /** Whether a turn that takes in {@link #heard} is already queued on the rollout thread. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile long lastRoundAt;
    /** Whether this node runs the rollouts' ticks (several nodes: the leader only). */
    private volatile java.util.function.BooleanSupplier leader = () -> true;

    /**
     * @param live       what the live fleet knows of each box (its applied configuration version)
     * @param driftGrace how long a box may run something other than its desired configuration before it drifts
     */
    public Rollouts(BoxDirectory directory, ProfileCatalogue catalogue, ConfigSigner signer, RolloutStore store, AuditTrail audit,
                    DesiredPublisher publisher, LiveBoxes live, MessageCodec codec, Clock clock, Duration driftGrace) {
        this.directory = directory;
        this.catalogue = catalogue;
        this.signer = signer;
        this.json = codec.mapper();
        this.clock = clock;
        this.planner = new RolloutPlanner(directory, catalogue, codec, clock);
        this.configs = new DesiredConfigs(store, signer, codec, publisher, live, driftGrace);
        this.runner = new RolloutRunner(store, configs, audit, live, json, clock);
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
    public void start() {
        call(() -> {
            configs.warmUp();
            configs.load();
            runner.load();
            // Only the node that runs the rollouts sends desired documents; a new leader's broker keeps them retained.
            int published = leader.getAsBoolean() ? configs.republishAll() : 0;
            log.info("rollouts: {} rollouts ({} active), {} desired configurations re-published, signing key {}", runner.size(),
                    runner.active(), published, configs.signingKeyId());
            return null;
        });
        thread.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
    }

    /** Several controller nodes: only while {@code leading} says so does this node tick (send waves, time out boxes). Set before {@link #start}. */
    public void useLeadership(java.util.function.BooleanSupplier leading) {
        this.leader = leading;
    }

    /**
     * Reads rollouts, desired and reported configurations again, on the rollout thread: when this node
     * becomes the leader (to carry on the rollouts another node ran) and when another node changed them
     * (a rollout started or acted on there, reports it ingested). Returns at once.
     */
    public void reloadSoon() {
        try {
            thread.execute(() -> {
                runCalls();
                try {
                    long t0 = System.nanoTime();
                    configs.reload();
                    runner.reload();
                    log.debug("rollouts read again in {} ms: {} rollouts ({} active)", (System.nanoTime() - t0) / 1_000_000,
                            runner.size(), runner.active());
                } catch (RuntimeException e) {
                    log.error("rollouts could not be read again: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Plugs the schedule in: boxes it says are busy are deferred. */
    public void useGuard(ClassTimeGuard guard) {
        runner.useGuard(guard);
    }

    /** Plugs alerts in: told when a rollout pauses or aborts by its own thresholds. */
    public void useListener(RolloutListener listener) {
        runner.useListener(listener);
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
    public RolloutPlan dryRun(RolloutRequest request) {
        return call(() -> plan(request, false));
    }

    /**
     * Starts a rollout; its first wave is sent right after this answer.
     *
     * @throws Refusal {@code INVALID} naming every problem, or {@code CONFLICT}; a refused start is audited too
     */
    public RolloutView start(RolloutRequest request, JsonNode requestJson, Actor actor) {
        RolloutView view = call(() -> {
            RolloutPlan plan;
            long t0 = System.nanoTime();
            try {
                plan = plan(request, false);
            } catch (Refusal e) {
                runner.auditRefusal(actor, request, requestJson, e);
                throw e;
            }
            return runner.start(plan, request, requestJson, actor, (System.nanoTime() - t0) / 1_000_000);
        });
        tickSoon();
        return view;
    }

    public Optional<RolloutView> get(String id) {
        return call(() -> runner.get(id));
    }

    /** The newest first. */
    public List<RolloutView> list(int limit) {
        return call(() -> runner.list(limit));
    }

    /** The newest first, each without its per-box list ({@link RolloutView#boxes()} empty): for lists and polls. */
    public List<RolloutView> summaries(int limit) {
        return call(() -> runner.summaries(limit));
    }

    /**
     * pause | resume | abort | rollback.
     *
     * @throws Refusal {@code NOT_FOUND} for an unknown rollout or action, {@code CONFLICT} when its state does not allow it
     */
    public RolloutView act(String id, String action, Actor actor) {
        RolloutView view = call(() -> runner.act(id, action, actor));
        if (view.state().equals(RolloutState.RUNNING.label())) {
            tickSoon();
        }
        return view;
    }

    /** The body {@code boxId} would get with {@code profile} (its stored overrides on top) and its diff to what it has. */
    public RolloutPlan.Box preview(String boxId, String profile) {
        return call(() -> {
            JsonNode req = json.createObjectNode().put("profile", profile).set("target",
                    json.createObjectNode().set("boxes", json.createArrayNode().add(boxId)));
            return plan(RolloutRequest.parse(req), true).boxes().get(0);
        });
    }

    /** Desired and reported configuration of one box, with its profile and override layers; empty for an unknown box. */
    public Optional<ObjectNode> boxConfig(String boxId) {
        return call(() -> directory.box(boxId).isEmpty() ? Optional.empty()
                : Optional.of(configs.describe(boxId, directory.schoolOf(boxId).orElse(null), clock)));
    }

    /**
     * Any thread: whether {@code boxId} has not run its desired configuration for longer than the grace
     * period: it reported another version, rejected or rolled it back, or said nothing since it was published.
     */
    public Optional<ConfigDrift> drift(String boxId, Instant now) {
        return configs.drift(boxId, now);
    }

    // ------------------------------------------------------------------ MQTT (callback thread)

    /**
     * Config reports and births (which carry the running version); queued, never blocks the caller.
     * The queue grows by at most one report per box per version sent and one birth per reconnect, so
     * the fleet's size bounds it.
     */
    public void onMessage(AgentMessage message) {
        if (!(message instanceof ConfigReported) && !(message instanceof BirthMessage)) {
            return;
        }
        heard.add(new Heard(message, clock.millis()));
        if (draining.compareAndSet(false, true)) {
            try {
                thread.execute(this::drainHeard);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /** A report or birth and when it was received. */
    private record Heard(AgentMessage message, long at) {
    }

    /**
     * On the rollout thread: what boxes said since the last turn, reports {@link #REPORT_BATCH} at a
     * time (one transaction for the reports, one for the boxes they settle), in the order they came.
     */
    private void drainHeard() {
        draining.set(false);
        List<ReceivedReport> reports = new ArrayList<>();
        Heard h;
        while ((h = heard.poll()) != null) {
            runCalls();
            try {
                if (h.message() instanceof ConfigReported r) {
                    reports.add(new ReceivedReport(r, h.at()));
                    if (reports.size() >= REPORT_BATCH) {
                        runner.onReported(reports);
                        reports = new ArrayList<>();
                    }
                } else if (h.message() instanceof BirthMessage b) {
                    // A birth after a report must see it settled: the reports before it go first.
                    if (!reports.isEmpty()) {
                        runner.onReported(reports);
                        reports = new ArrayList<>();
                    }
                    runner.onRunning(b.boxId(), b.configVersion());
                }
            } catch (RuntimeException e) {
                log.error("box={} config report not processed ({} reports in the batch): {}", h.message().boxId(), reports.size(),
                        e.toString());
                reports = new ArrayList<>();
            }
        }
        try {
            if (!reports.isEmpty()) {
                runner.onReported(reports);
            }
        } catch (RuntimeException e) {
            log.error("{} config reports not processed: {}", reports.size(), e.toString());
        }
    }

    // ------------------------------------------------------------------ the rollout thread

    /** One tick now, on the rollout thread; returns when it is done (tests step the state machine with it). */
    void tick() {
        call(() -> {
            runner.tick();
            return null;
        });
    }

    private void tickSoon() {
        try {
            thread.execute(this::tickSafely);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void tickSafely() {
        runCalls();
        if (!leader.getAsBoolean()) {
            lastRoundAt = System.currentTimeMillis();
            return;
        }
        boolean more = false;
        try {
            more = runner.tick();
        } catch (RuntimeException | Error e) {
            log.error("rollout tick failed", e);
        } finally {
            lastRoundAt = System.currentTimeMillis();
        }
        if (more) {
            // The next chunk goes after what queued meanwhile (reports, API calls).
            tickSoon();
        }
    }

    /** When the latest tick ended (epoch ms, 0 before the first): the health check's sign of life. */
    public long lastRoundAt() {
        return lastRoundAt;
    }

    private RolloutPlan plan(RolloutRequest request, boolean includeUnchanged) {
        return planner.plan(request, configs, runner::inActiveRollout, runner.guard(), includeUnchanged);
    }

    /**
     * Runs {@code work} on the rollout thread, ahead of the reports and ticks queued there (see
     * {@link #calls}), and waits (callers are worker threads, never event loops). What the call sees
     * is the state after the task in progress; reports still queued are not in it yet, as if they had
     * come a moment later.
     */
    private <T> T call(Callable<T> work) {
        FutureTask<T> f = new FutureTask<>(work);
        calls.add(f);
        try {
            thread.execute(this::runCalls);
        } catch (RejectedExecutionException e) {
            calls.remove(f);
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "rollouts are shutting down");
        }
        try {
            return f.get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException ex) {
                throw ex;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            calls.remove(f);
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "the rollout engine did not answer within " + CALL_TIMEOUT_S + " s; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the rollout engine", e);
        }
    }

    /** On the rollout thread: the API calls waiting, in the order they came. */
    private void runCalls() {
        FutureTask<?> next;
        while ((next = calls.poll()) != null) {
            next.run();
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
