package org.syncready.controller.readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.schedule.SyncSession;

/**
 * Keeps the verdict of every session between its first check (T-30) and its end true to the live
 * state, so the board is never a stale snapshot.
 *
 * <p>Cheap by construction: a status (or any message) of a box only marks that box dirty
 * ({@link #touched}, any thread, O(1)); the readiness thread then {@link #sweep}s at most every
 * {@code checks.liveCoalesceMs}, re-judging only the sessions in the window that one of the dirty boxes
 * takes part in, from memory, with each box's latest self-test folded in. Every
 * {@code checks.liveFullSweepS} it re-judges every session in the window anyway, because some changes
 * come with no message at all: a box that hangs goes stale, a session enters its window.
 *
 * <p>A classroom whose rule lacks a figure the box can measure (uplink, echo, disk, the stream server)
 * makes this class ask the box for a fresh self-test, at most every {@code checks.selftestRefreshS} per
 * box and {@value #MAX_IN_FLIGHT} at a time; the answer is folded in when it arrives.
 *
 * <p>Live verdicts are published in memory (trigger {@code live}), not stored: the stored checks stay
 * the active ones (T-30, T-5, on demand) and the in-class record.
 */
public final class LiveReadiness {
    private static final Logger log = LoggerFactory.getLogger(LiveReadiness.class);
    public static final String LIVE = "live";
    /** Dirty boxes remembered between sweeps; beyond it the next sweep is a full one (nothing is lost). */
    static final int MAX_DIRTY = 200_000;
    /** Self-tests this class may have waiting for an answer. */
    static final int MAX_IN_FLIGHT = 256;
    /** A self-test answer older than this no longer speaks for the box. */
    static final Duration SELFTEST_MEMORY = Duration.ofHours(2);

    /** What one sweep did, for logs, tests and the benchmark. */
    public record Sweep(boolean full, int dirtyBoxes, int sessions, long nanos) {
    }

    private final ReadinessEngine engine;
    private final BiFunction<Instant, Instant, List<SyncSession>> overlapping;
    private final Predicate<String> online;
    private final SelftestSender selftests;
    private final Clock clock;
    private final Clock dataClock;
    private final Consumer<SessionReadiness> publish;

    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean overflow = new AtomicBoolean();
    private final Map<String, SelftestResult> lastSelftests = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Readiness thread only. */
    private final Map<String, Long> lastAsked = new HashMap<>();
    private final Map<String, Set<String>> lastReasons = new HashMap<>();
    private long nextFullAt = Long.MIN_VALUE;
    private volatile Sweep lastSweep = new Sweep(false, 0, 0, 0);

    /**
     * @param overlapping the schedule: sessions overlapping [from, to)
     * @param online      whether a box is connected (only those are asked for a self-test)
     * @param clock       the schedule clock (which sessions are in their window)
     * @param dataClock   real time (pacing, ages of answers)
     * @param publish     where a fresh verdict goes (the checks' latest verdicts)
     */
    public LiveReadiness(ReadinessEngine engine, BiFunction<Instant, Instant, List<SyncSession>> overlapping,
                         Predicate<String> online, SelftestSender selftests, Clock clock, Clock dataClock,
                         Consumer<SessionReadiness> publish) {
        this.engine = engine;
        this.overlapping = overlapping;
        this.online = online;
        this.selftests = selftests;
        this.clock = clock;
        this.dataClock = dataClock;
        this.publish = publish;
    }

    /** A message of the box was ingested: take its figures and judge its sessions at the next sweep. Any thread. */
    public void touched(String boxId) {
        if (boxId == null) {
            return;
        }
        engine.observe(boxId);
        if (dirty.size() >= MAX_DIRTY) {
            overflow.set(true);
        } else {
            dirty.add(boxId);
        }
    }

    /** A self-test answer (of a check or of this class) to fold into the box's verdicts from now on. Any thread. */
    public void selftestAnswered(String boxId, SelftestResult result) {
        if (result.outcome() == SelftestOutcome.NOT_ASKED) {
            return;
        }
        SelftestResult stamped = result.answeredAt() != null ? result
                : new SelftestResult(result.outcome(), dataClock.instant(), result.failed(), result.error());
        lastSelftests.put(boxId, stamped);
        touched(boxId);
    }

    /** The latest self-test answer of each box, still young enough to count. */
    public Map<String, SelftestResult> selftests() {
        return lastSelftests;
    }

    public Sweep lastSweep() {
        return lastSweep;
    }

    /** One pass on the readiness thread: the sessions of the dirty boxes, or all of the window when due. */
    public Sweep sweep() {
        return sweep(false);
    }

    /** As {@link #sweep()}, forcing a full pass (at start, and for the benchmark). */
    public Sweep sweep(boolean forceFull) {
        long started = System.nanoTime();
        long dataNow = dataClock.millis();
        Instant now = clock.instant();
        boolean full = forceFull || overflow.getAndSet(false) || dataNow >= nextFullAt;
        Set<String> boxes = drainDirty();
        if (!full && boxes.isEmpty()) {
            return new Sweep(false, 0, 0, System.nanoTime() - started);
        }
        Duration widest = Duration.ofMinutes(engine.rules().checks().widestMinutes());
        List<SyncSession> window = new ArrayList<>();
        for (SyncSession s : overlapping.apply(now, now.plus(widest).plusMillis(1))) {
            if (!now.isBefore(s.start().minus(widest))) {
                window.add(s);
            }
        }
        List<SyncSession> todo = full ? window : affected(window, boxes);
        if (full) {
            nextFullAt = dataNow + engine.rules().checks().liveFullSweepS() * 1000L;
            forgetOld(window, dataNow);
        }
        if (!todo.isEmpty()) {
            List<SessionReadiness> results = engine.evaluate(todo, now, LIVE, lastSelftests);
            for (int i = 0; i < results.size(); i++) {
                SessionReadiness r = results.get(i);
                publish.accept(r);
                logChange(r);
                askForMissingFigures(todo.get(i), r, now);
            }
        }
        Sweep sweep = new Sweep(full, boxes.size(), todo.size(), System.nanoTime() - started);
        lastSweep = sweep;
        return sweep;
    }

    private Set<String> drainDirty() {
        Set<String> out = new HashSet<>();
        Iterator<String> it = dirty.iterator();
        while (it.hasNext()) {
            out.add(it.next());
            it.remove();
        }
        return out;
    }

    private List<SyncSession> affected(List<SyncSession> window, Set<String> boxes) {
        Set<String> classrooms = new HashSet<>();
        for (String box : boxes) {
            engine.classroomOf(box).ifPresent(classrooms::add);
        }
        List<SyncSession> out = new ArrayList<>();
        for (SyncSession s : window) {
            if (classrooms.contains(s.leadClassroomId()) || s.remoteClassroomIds().stream().anyMatch(classrooms::contains)) {
                out.add(s);
            }
        }
        return out;
    }

    /** One log line per session whose verdict or reasons changed, not one per sweep. */
    private void logChange(SessionReadiness r) {
        Set<String> keys = new HashSet<>();
        keys.add(r.verdict().name());
        for (ClassroomReadiness c : r.classrooms()) {
            for (Reason reason : c.reasons()) {
                keys.add(c.classroomId() + "|" + reason.key() + "|" + reason.severity());
            }
        }
        Set<String> before = lastReasons.put(r.sessionId(), keys);
        if (before != null && !before.equals(keys)) {
            Map<String, List<String>> problems = new LinkedHashMap<>();
            for (ClassroomReadiness c : r.classrooms()) {
                if (c.verdict() != Verdict.READY) {
                    problems.put(c.classroomId() + "=" + c.verdict(), c.reasons().stream().map(x -> x.code().name()).toList());
                }
            }
            log.info("readiness live session={} now {}: {}", r.sessionId(), r.verdict(), problems);
        }
    }

    /**
     * Asks a box for a fresh measurement when one of its rules lacks a figure it can measure (the
     * self-test runs the speed test, the echo and probes the session's stream server).
     */
    private void askForMissingFigures(SyncSession session, SessionReadiness r, Instant now) {
        long dataNow = dataClock.millis();
        long every = engine.rules().checks().selftestRefreshS() * 1000L;
        for (ClassroomReadiness c : r.classrooms()) {
            if (c.boxId() == null || !missesFigure(c)) {
                continue;
            }
            Long asked = lastAsked.get(c.boxId());
            if (asked != null && dataNow - asked < every || !online.test(c.boxId()) || inFlight.get() >= MAX_IN_FLIGHT) {
                continue;
            }
            lastAsked.put(c.boxId(), dataNow);
            inFlight.incrementAndGet();
            List<StreamServer> servers = engine.streamServer(session).map(List::of).orElse(List.of());
            Duration keep = Duration.between(now, session.end());
            String box = c.boxId();
            log.info("readiness live session={} box={}: figure missing, self-test requested", r.sessionId(), box);
            selftests.selftest(box, Duration.ofSeconds(engine.rules().checks().selftestTimeoutS()), servers, keep)
                    .exceptionally(e -> SelftestResult.NO_ANSWER)
                    .thenAccept(result -> {
                        inFlight.decrementAndGet();
                        selftestAnswered(box, result);
                    });
        }
    }

    private static boolean missesFigure(ClassroomReadiness c) {
        for (Reason reason : c.reasons()) {
            if (reason.code() == ReasonCode.NO_DATA && reason.severity() == Severity.UNKNOWN
                    && ReadinessEngine.REFRESHABLE.contains(reason.device())) {
                return true;
            }
        }
        return false;
    }

    /** Bounds the memory: sessions that left the window, answers too old to count, requests long done. */
    private void forgetOld(List<SyncSession> window, long dataNow) {
        Set<String> ids = new HashSet<>();
        window.forEach(s -> ids.add(s.id()));
        lastReasons.keySet().retainAll(ids);
        long cutoff = dataNow - SELFTEST_MEMORY.toMillis();
        lastSelftests.values().removeIf(r -> r.answeredAt() != null && r.answeredAt().toEpochMilli() < cutoff);
        lastAsked.values().removeIf(at -> at < cutoff);
    }
}
