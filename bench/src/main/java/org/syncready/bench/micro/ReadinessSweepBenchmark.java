package org.syncready.bench.micro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.syncready.bench.sim.StatusFactory;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.readiness.ConfigDriftSource;
import org.syncready.controller.readiness.LiveReadiness;
import org.syncready.controller.readiness.SelftestResult;
import org.syncready.controller.readiness.ReadinessEngine;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SessionKind;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlFleetStore;
import org.syncready.protocol.StateMessage;

/**
 * One readiness sweep (issue 4 and benchmark 3): {@code sessions} sessions of one lead and three remote
 * classrooms each, judged from in-memory state — the registry and the live fleet of 10,000 boxes, a
 * share of them with a faulted camera (so reasons and their sentences are built too).
 *
 * <p>And the live re-evaluation between T-30 and the end (issue 12), with every session in its window:
 * {@code liveFull} is the timed full pass ({@code checks.liveFullSweepS}); {@code liveCoalesced} is one
 * coalesced pass after {@value #DIRTY_PER_SWEEP} boxes reported — 10,000 boxes reporting every 10 s
 * make 500 dirty boxes per 500 ms — including applying their statuses to the live fleet, marking them
 * dirty and taking their network figures. The boxes' data clock stands still at the statuses' time, so
 * the fleet stays as fresh as a reporting one (nothing goes stale during the run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadinessSweepBenchmark {
    /** Classrooms (one box each): as many as sessions, as in the benchmark's 10,000 x 10,000. */
    private int classrooms;
    static final int DIRTY_PER_SWEEP = 500;

    @Param({"10000"})
    public int sessions;

    @Param({"0.0", "0.1"})
    public double faultShare;

    private Path dir;
    private Database db;
    private ReadinessEngine engine;
    private List<SyncSession> batch;
    private Instant now;
    private LiveReadiness live;
    private int nextDirty;
    private LiveFleet fleet;
    private long ts;
    private long seq = 4;
    private boolean[] faulted;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("sweep-bench");
        db = Database.open(dir.resolve("bench.db"));
        FleetRegistry registry = FleetRegistry.load(new SqlFleetStore(db), "bench-secret");
        fleet = new LiveFleet();
        SplittableRandom random = new SplittableRandom(42);
        ts = System.currentTimeMillis();
        classrooms = Math.max(4, sessions);
        faulted = new boolean[classrooms];
        for (int s = 0; s < (classrooms + 99) / 100; s++) {
            registry.addSchool("school-" + s, "学校" + s, "School " + s);
        }
        for (int i = 0; i < classrooms; i++) {
            String room = "room-%05d".formatted(i);
            String box = "box-%05d".formatted(i);
            registry.addClassroom(room, "school-" + i / 100, "教室", "Room");
            registry.registerBox(box, room, StatusFactory.MODEL);
            String boot = "boot-" + i;
            fleet.apply(new StateMessage(1, box, ts, boot, 1, 1, StateMessage.Presence.ONLINE), "{}", false, ts);
            fleet.apply(StatusFactory.birth(box, boot, ts, 2, 10, null), "{}", false, ts);
            faulted[i] = random.nextDouble() < faultShare;
            fleet.apply(StatusFactory.status(box, boot, ts, 3, 10, faulted[i]), "{}", false, ts);
        }
        now = Instant.now();
        batch = new ArrayList<>(sessions);
        for (int i = 0; i < sessions; i++) {
            int lead = random.nextInt(classrooms);
            List<String> remotes = new ArrayList<>(3);
            while (remotes.size() < 3) {
                String r = "room-%05d".formatted(random.nextInt(classrooms));
                if (!r.equals("room-%05d".formatted(lead)) && !remotes.contains(r)) {
                    remotes.add(r);
                }
            }
            Instant start = now.plus(Duration.ofMinutes(30));
            batch.add(new SyncSession("s-" + i, "room-%05d".formatted(lead), remotes, "数学", null, SessionKind.LIVE,
                    start, start.plus(Duration.ofMinutes(45)), "bench"));
        }
        // The timed full pass is measured on its own (liveFull): here it must not fall into the coalesced ones.
        Path rulesFile = dir.resolve("rules.yaml");
        try (var in = ReadinessRules.class.getResourceAsStream("readiness-rules.yaml")) {
            Files.writeString(rulesFile, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("liveFullSweepS: 5", "liveFullSweepS: 86400"));
        }
        ReadinessRules rules = ReadinessRules.load(rulesFile);
        Clock data = Clock.fixed(Instant.ofEpochMilli(ts), java.time.ZoneOffset.UTC);
        engine = new ReadinessEngine(rules, registry, fleet, ConfigDriftSource.NONE, data, java.time.ZoneId.of("Asia/Shanghai"));
        Clock schedule = Clock.fixed(now, java.time.ZoneOffset.UTC);
        live = new LiveReadiness(engine, (from, to) -> batch, box -> true,
                (box, timeout, servers, keep) -> java.util.concurrent.CompletableFuture.completedFuture(SelftestResult.NO_ANSWER),
                schedule, data, r -> { });
        live.sweep(true);
    }

    @Benchmark
    public LiveReadiness.Sweep liveFull() {
        return live.sweep(true);
    }

    @Benchmark
    public LiveReadiness.Sweep liveCoalesced() {
        seq++;
        for (int i = 0; i < DIRTY_PER_SWEEP; i++) {
            String box = "box-%05d".formatted(nextDirty);
            // What ingest does for each status: the live fleet takes it, then the live readiness is told.
            fleet.apply(StatusFactory.status(box, "boot-" + nextDirty, ts, seq, 10, faulted[nextDirty]), "{}", false, ts);
            live.touched(box);
            nextDirty = (nextDirty + 1) % classrooms;
        }
        return live.sweep();
    }

    @Benchmark
    public List<SessionReadiness> sweep() {
        return engine.evaluate(batch, now, "T-30", Map.of());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
