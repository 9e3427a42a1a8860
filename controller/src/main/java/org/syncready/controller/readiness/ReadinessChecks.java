package org.syncready.controller.readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the readiness checks on time: before each session at the configured offsets (T-30, T-5: a
 * self-test to every box first, then the verdict), during the session at a steady pace (no self-test;
 * problems become incidents with a start and an end), and on demand.
 *
 * <p>Between the first check and the end, {@link LiveReadiness} keeps each session's verdict true to
 * the live state on the same thread ({@link #touched} after every ingested message), folding in each
 * box's latest self-test; {@link #latest} is that verdict, {@link #lastCheck} the last stored one.
 *
 * <p>Time comes from the injected schedule clock, so a test can run a school day in seconds. All work
 * runs on this class's own thread; self-test answers arrive asynchronously, so a sweep never waits
 * for slow boxes and thousands of sessions are checked in one pass.
 */
public final class ReadinessChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReadinessChecks.class);
    public static final String ON_DEMAND = "on-demand";
    public static final String IN_SESSION = "in-session";
    /** Checks remembered as done for this long after their session started; bounds {@link #done}. */
    private static final Duration DONE_MEMORY = Duration.ofDays(1);

    private final ReadinessEngine engine;
    private final SessionStore sessions;
    private final CheckStore store;
    private final LiveFleet fleet;
    private final SelftestSender selftests;
    private final Clock clock;
    private volatile long lastRoundAt;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "readiness"));
    /** The freshest verdict of each session: live, active or in-class. */
    private final Map<String, SessionReadiness> latest = new ConcurrentHashMap<>();
    /** Told of every check kept (metrics); set once at wiring, before {@link #start}. */
    private volatile java.util.function.Consumer<SessionReadiness> onKept = r -> { };
    /** The last stored check of each session this run. */
    private final Map<String, SessionReadiness> lastChecks = new ConcurrentHashMap<>();
    private final LiveReadiness live;
    /** "sessionId|T-30" for pre-start checks already started. Touched only on the readiness thread. */
    private final Map<String, Instant> done = new HashMap<>();
    /** Last in-session evaluation per running session. Readiness thread only. */
    private final Map<String, Instant> lastInSession = new HashMap<>();
    /** Last in-session verdict stored per running session, to store only changes. Readiness thread only. */
    private final Map<String, SessionReadiness> lastRecordedInSession = new HashMap<>();
    /** When memory was last pruned of old verdicts. Readiness thread only. */
    private Instant lastPrune;
    /** Open incidents by "sessionId|classroomId|reasonKey". Readiness thread only. */
    private final Map<String, Incident> open = new HashMap<>();
    private volatile ReadinessListener listener = ReadinessListener.NONE;
    /** Whether this node runs the checks (several nodes: the leader only); set before {@link #start}. */
    private volatile java.util.function.BooleanSupplier leader = () -> true;
    /**
     * Whether this node, as leader, has read what the previous leader did. Rounds wait for it: a round
     * run first would repeat the previous leader's checks.
     */
    private volatile boolean caughtUp = true;

    public ReadinessChecks(ReadinessEngine engine, SessionStore sessions, CheckStore store, LiveFleet fleet,
                           SelftestSender selftests, Clock clock) {
        this.engine = engine;
        this.sessions = sessions;
        this.store = store;
        this.fleet = fleet;
        this.selftests = selftests;
        this.clock = clock;
        this.live = new LiveReadiness(engine, sessions::overlapping,
                box -> fleet.snapshot(box).map(b -> b.presence() == Presence.ONLINE).orElse(false),
                selftests, clock, engine.dataClock(), r -> latest.put(r.sessionId(), r));
    }

    /**
     * Restores open incidents and ticks every {@code every}, the first time after {@code grace}: after
     * a controller restart the boxes need a few seconds to reconnect to an embedded broker, and a check
     * made before that would call every room UNKNOWN.
     */
    public void start(Duration every, Duration grace) {
        for (Incident i : store.openIncidents()) {
            open.put(incidentKey(i.sessionId(), i.classroomId(), Reason.key(i.code(), i.device())), i);
        }
        thread.scheduleWithFixedDelay(this::tickSafely, grace.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::liveSafely, grace.toMillis(), engine.rules().checks().liveCoalesceMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Several controller nodes: the pre-start checks, in-session checks and live self-tests run only while
     * {@code leading} says so; a follower answers from the store and from previews.
     */
    public void useLeadership(java.util.function.BooleanSupplier leading) {
        this.leader = leading;
    }

    /**
     * This node just became the leader: before its first round, on the readiness thread, the open
     * incidents are read again and the pre-start checks the previous leader already stored count as done,
     * so none runs twice and the next one due runs here.
     */
    public void becameLeader() {
        caughtUp = false;
    }

    /** Reads what the previous leader did; readiness thread, before this node's first round as leader. */
    private void catchUp() {
        try {
            open.clear();
            for (Incident i : store.openIncidents()) {
                open.put(incidentKey(i.sessionId(), i.classroomId(), Reason.key(i.code(), i.device())), i);
            }
            Instant now = clock.instant();
            List<Integer> offsets = engine.rules().checks().beforeStartMinutes();
            int widest = offsets.stream().mapToInt(Integer::intValue).max().orElse(30);
            int seeded = 0;
            for (SyncSession s : sessions.overlapping(now, now.plus(Duration.ofMinutes(widest)).plusMillis(1))) {
                for (SessionReadiness c : store.checks(s.id())) {
                    if (c.trigger() != null && c.trigger().startsWith("T-")) {
                        int m = Integer.parseInt(c.trigger().substring(2));
                        // A check stored at T-m covers the larger offsets too, as when it runs here.
                        for (int o : offsets) {
                            if (o >= m && done.putIfAbsent(s.id() + "|T-" + o, s.start()) == null) {
                                seeded++;
                            }
                        }
                    }
                }
            }
            log.info("readiness: leader now; {} open incident(s), {} pre-start check(s) already made by the previous leader",
                    open.size(), seeded);
        } catch (RuntimeException e) {
            log.error("readiness: could not read the previous leader's checks: {}", e.toString());
        }
    }

    /** Plugs alerts in: told each pre-start check and each incident, on this class's thread. */
    public void useListener(ReadinessListener listener) {
        this.listener = listener == null ? ReadinessListener.NONE : listener;
    }

    /** A listener failure is logged and never stops a check. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("readiness listener failed: {}", e.toString());
        }
    }

    /** A message of the box was ingested (any thread, cheap): its sessions in the live window are judged again soon. */
    public void touched(String boxId) {
        live.touched(boxId);
    }

    /** The live re-evaluation, for tests that drive it. */
    public LiveReadiness live() {
        return live;
    }

    /** One live sweep on the readiness thread; for tests with a fixed clock. */
    public CompletableFuture<LiveReadiness.Sweep> sweepLive() {
        return CompletableFuture.supplyAsync(live::sweep, thread);
    }

    private void liveSafely() {
        if (!leader.getAsBoolean() || !caughtUp) {
            return;
        }
        try {
            live.sweep();
        } catch (RuntimeException e) {
            log.error("live readiness sweep failed: {}", e.toString(), e);
        }
    }

    /** The freshest verdict of a session (live, active or in-class), from memory or the store. */
    public Optional<SessionReadiness> latest(String sessionId) {
        SessionReadiness r = latest.get(sessionId);
        if (r != null) {
            return Optional.of(r);
        }
        return Optional.ofNullable(store.latest(List.of(sessionId)).get(sessionId));
    }

    /** The freshest verdicts held in memory, by session id (the board takes the rest from the store). */
    public Map<String, SessionReadiness> latestInMemory(List<String> sessionIds) {
        Map<String, SessionReadiness> out = new HashMap<>();
        for (String id : sessionIds) {
            SessionReadiness r = latest.get(id);
            if (r != null) {
                out.put(id, r);
            }
        }
        return out;
    }

    /** The last stored check of a session (T-30, T-5, on-demand, in-session), from memory or the store. */
    public Optional<SessionReadiness> lastCheck(String sessionId) {
        SessionReadiness r = lastChecks.get(sessionId);
        if (r != null) {
            return Optional.of(r);
        }
        return Optional.ofNullable(store.latest(List.of(sessionId)).get(sessionId));
    }

    /** A verdict from what is known now, without self-tests and without storing it (the day's board). */
    public SessionReadiness preview(SyncSession session) {
        return engine.evaluate(session, clock.instant(), "preview", live.selftests());
    }

    /** Previews for many sessions in one sweep (the day's board). */
    public List<SessionReadiness> preview(List<SyncSession> batch) {
        return engine.evaluate(batch, clock.instant(), "preview", live.selftests());
    }

    /** Checks one session now: self-tests first, then the verdict, stored. */
    public CompletableFuture<SessionReadiness> checkNow(SyncSession session) {
        return CompletableFuture.supplyAsync(() -> check(List.of(session), ON_DEMAND), thread)
                .thenCompose(f -> f).thenApply(list -> list.get(0));
    }

    /** One pass; public so tests with a fixed clock can drive it. Runs on the readiness thread. */
    public CompletableFuture<Void> tick() {
        return CompletableFuture.runAsync(this::tickSafely, thread);
    }

    private void tickSafely() {
        if (!leader.getAsBoolean()) {
            // Leading again later means catching up again first.
            caughtUp = false;
            lastRoundAt = System.currentTimeMillis();
            return;
        }
        if (!caughtUp) {
            catchUp();
            caughtUp = true;
        }
        try {
            runDue();
        } catch (RuntimeException e) {
            log.error("readiness pass failed: {}", e.toString(), e);
        } finally {
            lastRoundAt = System.currentTimeMillis();
        }
    }

    /** The pre-start checks, in minutes before a session's start (T-30, T-5 by default), largest first. */
    public List<Integer> beforeStartMinutes() {
        return engine.rules().checks().beforeStartMinutes().stream().sorted(java.util.Comparator.reverseOrder()).toList();
    }

    /** When the latest pass ended (epoch ms, 0 before the first): the health check's sign of life. */
    public long lastRoundAt() {
        return lastRoundAt;
    }

    private void runDue() {
        Instant now = clock.instant();
        List<Integer> offsets = engine.rules().checks().beforeStartMinutes().stream().sorted().toList();
        int widest = offsets.get(offsets.size() - 1);
        // Pre-start: for each session about to start, the smallest offset already reached and not done.
        Map<String, List<SyncSession>> due = new HashMap<>();
        for (SyncSession s : sessions.overlapping(now, now.plus(Duration.ofMinutes(widest)).plusMillis(1))) {
            if (!s.start().isAfter(now)) {
                continue;
            }
            for (int m : offsets) {
                if (!now.isBefore(s.start().minus(Duration.ofMinutes(m)))) {
                    String trigger = "T-" + m;
                    if (done.putIfAbsent(s.id() + "|" + trigger, s.start()) == null) {
                        // Larger offsets missed (session created late, controller down) are not run afterwards.
                        offsets.stream().filter(o -> o > m).forEach(o -> done.putIfAbsent(s.id() + "|T-" + o, s.start()));
                        due.computeIfAbsent(trigger, k -> new ArrayList<>()).add(s);
                    }
                    break;
                }
            }
        }
        due.forEach((trigger, batch) -> check(batch, trigger));
        inSession(now);
        done.values().removeIf(start -> start.plus(DONE_MEMORY).isBefore(now));
        // Verdicts of sessions long over (or deleted) leave memory; the store keeps the checks.
        if (lastPrune == null || !now.isBefore(lastPrune.plus(Duration.ofMinutes(10)))) {
            lastPrune = now;
            java.util.function.Predicate<String> gone = id -> sessions.get(id).map(s -> s.end().plus(DONE_MEMORY).isBefore(now))
                    .orElse(true);
            latest.keySet().removeIf(gone);
            lastChecks.keySet().removeIf(gone);
        }
    }

    /** Self-tests to every online box of the sessions, then one sweep when all have answered or timed out. */
    private CompletableFuture<List<SessionReadiness>> check(List<SyncSession> batch, String trigger) {
        // Each box probes the stream servers of its sessions in the self-test and until they end.
        Map<String, Set<StreamServer>> servers = new HashMap<>();
        Map<String, Instant> until = new HashMap<>();
        Instant now = clock.instant();
        for (SyncSession s : batch) {
            StreamServer server = engine.streamServer(s).orElse(null);
            for (String box : engine.boxesOf(s.classroomIds())) {
                Set<StreamServer> set = servers.computeIfAbsent(box, k -> new HashSet<>());
                if (server != null) {
                    set.add(server);
                }
                until.merge(box, s.end(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        Duration timeout = Duration.ofSeconds(engine.rules().checks().selftestTimeoutS());
        Map<String, SelftestResult> outcomes = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (Map.Entry<String, Set<StreamServer>> e : servers.entrySet()) {
            String box = e.getKey();
            boolean online = fleet.snapshot(box).map(b -> b.presence() == Presence.ONLINE).orElse(false);
            if (!online) {
                continue;
            }
            Duration keep = Duration.between(now, until.get(box));
            answers.add(selftests.selftest(box, timeout, List.copyOf(e.getValue()), keep.isNegative() ? Duration.ZERO : keep)
                    .exceptionally(x -> SelftestResult.NO_ANSWER)
                    .thenAccept(o -> {
                        outcomes.put(box, o);
                        live.selftestAnswered(box, o);
                    }));
        }
        log.info("readiness {}: {} session(s), self-test sent to {} box(es)", trigger, batch.size(), answers.size());
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApplyAsync(v -> {
                    // Judged at the clock's time when the answers are in, so the verdict says what was known then.
                    Map<String, SelftestResult> folded = new HashMap<>(live.selftests());
                    folded.putAll(outcomes);
                    List<SessionReadiness> results = engine.evaluate(batch, clock.instant(), trigger, folded);
                    for (SessionReadiness r : results) {
                        record(r);
                    }
                    tell(() -> listener.checked(trigger, results));
                    return results;
                }, thread);
    }

    /** Who is told of each check kept (the controller's metrics count verdicts per trigger). */
    public void onKept(java.util.function.Consumer<SessionReadiness> listener) {
        onKept = listener;
    }

    private void record(SessionReadiness r) {
        latest.put(r.sessionId(), r);
        onKept.accept(r);
        lastChecks.put(r.sessionId(), r);
        try {
            store.saveCheck(r);
        } catch (RuntimeException e) {
            log.warn("readiness check of session={} not stored: {}", r.sessionId(), e.getMessage());
        }
        if (r.verdict() != Verdict.READY) {
            for (ClassroomReadiness c : r.classrooms()) {
                if (c.verdict() != Verdict.READY) {
                    log.info("readiness {} session={} school={} classroom={} box={} {}: {}", r.trigger(), r.sessionId(),
                            c.schoolId(), c.classroomId(), c.boxId(), c.verdict(),
                            c.reasons().stream().map(x -> x.code().name()).toList());
                }
            }
        }
    }

    /** Running sessions: a verdict every few seconds; problems open and close incidents. */
    private void inSession(Instant now) {
        Duration every = Duration.ofSeconds(engine.rules().checks().inSessionEveryS());
        List<SyncSession> running = new ArrayList<>();
        Set<String> runningIds = new HashSet<>();
        for (SyncSession s : sessions.overlapping(now, now.plusMillis(1))) {
            runningIds.add(s.id());
            Instant last = lastInSession.get(s.id());
            if (last == null || !now.isBefore(last.plus(every))) {
                running.add(s);
                lastInSession.put(s.id(), now);
            }
        }
        if (!running.isEmpty()) {
            for (SessionReadiness r : engine.evaluate(running, now, IN_SESSION, live.selftests())) {
                SessionReadiness before = lastRecordedInSession.get(r.sessionId());
                if (before == null || before.verdict() != r.verdict() || !reasonKeys(before).equals(reasonKeys(r))) {
                    record(r); // in-class checks are stored when something changes, not every pass
                    lastRecordedInSession.put(r.sessionId(), r);
                } else {
                    latest.put(r.sessionId(), r);
                }
                trackIncidents(sessions.get(r.sessionId()).orElse(null), r, now);
            }
        }
        // Sessions that ended (or were deleted) close what is still open, at their end.
        for (Map.Entry<String, Incident> e : new ArrayList<>(open.entrySet())) {
            Incident i = e.getValue();
            if (!runningIds.contains(i.sessionId())) {
                Instant end = sessions.get(i.sessionId()).map(SyncSession::end).filter(t -> t.isBefore(now)).orElse(now);
                close(e.getKey(), i, end);
            }
        }
        lastInSession.keySet().retainAll(runningIds);
        lastRecordedInSession.keySet().retainAll(runningIds);
    }

    private void trackIncidents(SyncSession session, SessionReadiness r, Instant now) {
        if (session == null) {
            return;
        }
        Set<String> current = new HashSet<>();
        for (ClassroomReadiness c : r.classrooms()) {
            for (Reason reason : c.reasons()) {
                if (reason.severity() == Severity.INFO) {
                    continue;
                }
                String key = incidentKey(r.sessionId(), c.classroomId(), reason.key());
                current.add(key);
                if (!open.containsKey(key)) {
                    long id = store.openIncident(r.sessionId(), c.classroomId(), c.boxId(), reason, now);
                    Incident incident = new Incident(id, r.sessionId(), c.classroomId(), c.boxId(), reason.code(), reason.device(),
                            reason.severity(), reason.en(), now, null);
                    open.put(key, incident);
                    tell(() -> listener.incidentOpened(incident, c.schoolId(), reason));
                    log.info("incident opened session={} school={} classroom={} box={} {}: {}", r.sessionId(), c.schoolId(),
                            c.classroomId(), c.boxId(), reason.code(), reason.en());
                }
            }
        }
        for (Map.Entry<String, Incident> e : new ArrayList<>(open.entrySet())) {
            if (e.getValue().sessionId().equals(r.sessionId()) && !current.contains(e.getKey())) {
                close(e.getKey(), e.getValue(), now);
            }
        }
    }

    private void close(String key, Incident i, Instant at) {
        store.closeIncident(i.id(), at);
        open.remove(key);
        tell(() -> listener.incidentClosed(i, at));
        log.info("incident closed session={} classroom={} box={} {} after {} s", i.sessionId(), i.classroomId(), i.boxId(),
                i.code(), Duration.between(i.start(), at).toSeconds());
    }

    /** One open incident per session, classroom and problem (reason code and device). */
    private static String incidentKey(String sessionId, String classroomId, String reasonKey) {
        return sessionId + "|" + classroomId + "|" + reasonKey;
    }

    private static Set<String> reasonKeys(SessionReadiness r) {
        Set<String> keys = new HashSet<>();
        for (ClassroomReadiness c : r.classrooms()) {
            for (Reason reason : c.reasons()) {
                keys.add(c.classroomId() + "|" + reason.key() + "|" + reason.severity());
            }
        }
        return keys;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
