package org.syncready.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.syncready.bench.scratch.ScratchFolder;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.syncready.bench.sim.FleetSimulator;
import org.syncready.bench.sim.StatusFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time from {@code POST /api/v1/rollouts} to every box {@code applied}: N simulated boxes enrolled
 * and connected to a controller process, then two rollouts to all of them, one wave ({@code ["100%"]})
 * and the default waves ({@code [1, "10%", "100%"]}), each with a profile the boxes do not run yet.
 * The rollout's state is polled every {@value #POLL_MS} ms through {@code GET /api/v1/rollouts?limit=1}
 * (the same counts as {@code GET /api/v1/rollouts/{id}} without the per-box list, which is 2.5 MB at
 * 10,000 boxes); at the end {@code GET /api/v1/rollouts/{id}} is read once to compare every box's
 * version with the one the simulator acknowledged.
 */
public final class RolloutBenchmark {
    private static final Logger log = LoggerFactory.getLogger(RolloutBenchmark.class);
    static final long POLL_MS = 100;
    /** Boxes whose statuses are followed through the API to see when the connect burst is worked off. */
    private static final int TRACKED_BOXES = 100;
    private static final Duration GIVE_UP = Duration.ofMinutes(10);
    /** The simulator's boxes are of this model; both profiles must be of it. */
    static final String MODEL = StatusFactory.MODEL;
    private static final List<Plan> PLANS = List.of(
            new Plan(MODEL + "/standard-1080p", "[\"100%\"]"),
            new Plan(MODEL + "/low-uplink-720p", "[1,\"10%\",\"100%\"]"));

    /**
     * @param statusIntervalS seconds between statuses per box during the rollouts (0: boxes stay quiet)
     * @param jfr             when set, each rollout is recorded in the controller to {@code <jfr>-<n>.jfr}
     */
    public record Options(int boxes, int statusIntervalS, Path workDir, List<String> controllerJvmArgs, Path jfr) {
    }

    private record Plan(String profile, String waves) {
    }

    /**
     * One rollout. {@code versionMismatches}: boxes whose acknowledged version (simulator) differs from
     * the version the rollout sent them (API); {@code acks}: config acknowledgements the fleet sent
     * during it; {@code cpuPct} of one core, controller process, and {@code benchCpuPct} of this JVM
     * (the simulated fleet), from the POST to all applied; {@code controllerThreads} the controller's
     * busiest thread groups over the same time (CPU seconds, from /proc). {@code firstAckMs} and
     * {@code allAcksMs}: when the simulator sent the first and the last of the fleet's acks (from the
     * POST); {@code slowestPollMs}: the longest the API took to answer the state poll meanwhile.
     */
    public record Run(String profile, String waves, String id, List<Integer> waveSizes, double postMs, double allAppliedMs,
                      double firstAckMs, double allAcksMs, double slowestPollMs,
                      String state, int applied, long acks, long versionMismatches, double cpuPct, double benchCpuPct,
                      List<String> controllerThreads, double loadAfter) {
        public boolean lossless(int boxes) {
            return "completed".equals(state) && applied == boxes && acks == boxes && versionMismatches == 0;
        }
    }

    /** {@code settledSeconds}: from the last CONNECT until the controller had worked off the fleet's connect burst (NaN: not in 3 min). */
    public record Result(int boxes, double enrollSeconds, double connectSeconds, double settledSeconds, List<Run> runs, double rssMb,
                         long publishFailures, long connectionsLost) {
        public boolean lossless() {
            return runs.size() == PLANS.size() && runs.stream().allMatch(r -> r.lossless(boxes)) && publishFailures == 0
                    && connectionsLost == 0;
        }
    }

    private RolloutBenchmark() {
    }

    public static Result run(Options o) throws Exception {
        ScratchFolder.clear(o.workDir());
        try (ControllerProcess controller = ControllerProcess.start(o.workDir().resolve("controller"), o.controllerJvmArgs());
             ApiWatcher watcher = new ApiWatcher("127.0.0.1", controller.httpPort(), controller.token());
             FleetSimulator sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort())
                     .withStatusIntervalS(Math.max(1, o.statusIntervalS())))) {
            int trackEvery = Math.max(1, o.boxes() / TRACKED_BOXES);
            sim.addListener((boxId, seq, ts, fault) -> {
                if (Integer.parseInt(boxId.substring(4)) % trackEvery == 0) {
                    watcher.track(boxId, ts, box -> ApiWatcher.statusSeq(box) >= seq);
                }
            });
            long t0 = System.nanoTime();
            List<BoxCredentials> credentials = new FleetEnrollment("127.0.0.1", controller.httpPort(), controller.token()).enroll(0, o.boxes());
            double enrollS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            int connected = sim.connect(credentials, Duration.ofMinutes(3));
            double connectS = (System.nanoTime() - t1) / 1e9;
            if (connected != o.boxes()) {
                throw new IllegalStateException("only " + connected + " of " + o.boxes() + " boxes connected");
            }
            long connectedAt = System.nanoTime();
            if (o.statusIntervalS() > 0) {
                sim.startReporting(o.statusIntervalS() * 1000L);
            }
            log.info("rollout benchmark: {} boxes enrolled in {} s, connected in {} s; waiting until the controller has caught up",
                    o.boxes(), "%.1f".formatted(enrollS), "%.1f".formatted(connectS));
            Thread.sleep(2_000);
            // Every box sent state, birth and a status as it connected; until the controller has worked those off, a
            // rollout's reports queue behind them (and the births behind its POST), and the figure measures the backlog.
            double settledS;
            if (o.statusIntervalS() > 0) {
                settledS = ConnectionsBenchmark.awaitSettled(watcher, connectedAt);
            } else {
                watcher.awaitIdle(ConnectionsBenchmark.SETTLE_LIMIT);
                settledS = (System.nanoTime() - connectedAt) / 1e9;
            }
            watcher.close();
            Api api = new Api(controller.httpPort(), controller.token());
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < PLANS.size(); i++) {
                Path jfr = o.jfr() == null ? null : Path.of(o.jfr() + "-" + (i + 1) + ".jfr");
                Run run = rollout(PLANS.get(i), api, controller, sim, jfr);
                log.info("rollout benchmark: {}", run);
                runs.add(run);
                if (!run.lossless(o.boxes())) {
                    break;
                }
            }
            sim.stopReporting();
            return new Result(o.boxes(), enrollS, connectS, settledS, runs, controller.rssMb(), sim.counters().publishFailures(),
                    sim.counters().connectionsLost());
        }
    }

    private static Run rollout(Plan plan, Api api, ControllerProcess controller, FleetSimulator sim, Path jfr) throws Exception {
        String body = "{\"profile\":\"" + plan.profile() + "\",\"target\":{\"all\":true},\"strategy\":{\"waves\":" + plan.waves()
                + "},\"note\":\"rollout benchmark\"}";
        if (jfr != null) {
            controller.jcmd("JFR.start", "name=rollout", "settings=profile");
        }
        long acks0 = sim.counters().configAcks();
        long cpu0 = controller.cpu().toNanos();
        long benchCpu0 = benchCpuNanos();
        Map<String, Long> threads0 = ProcessStats.threadTicks(controller.pid());
        long start = System.nanoTime();
        // When the fleet's acks begin and end, seen from the simulator (not through the API, which may be slow to answer).
        AtomicLong firstAck = new AtomicLong(-1);
        AtomicLong allAcks = new AtomicLong(-1);
        int boxes = sim.size();
        ScheduledExecutorService ackClock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ack-clock");
            t.setDaemon(true);
            return t;
        });
        ackClock.scheduleAtFixedRate(() -> {
            long n = sim.counters().configAcks() - acks0;
            long now = System.nanoTime();
            if (n > 0) {
                firstAck.compareAndSet(-1, now);
            }
            if (n >= boxes) {
                allAcks.compareAndSet(-1, now);
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        HttpResponse<byte[]> posted = api.post("/api/v1/rollouts", body);
        long answered = System.nanoTime();
        if (posted.statusCode() != 201) {
            throw new IllegalStateException("POST /api/v1/rollouts answered " + posted.statusCode() + ": " + new String(posted.body(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        String id = api.json.readTree(posted.body()).path("id").asText();
        JsonNode state = null;
        long slowestPoll = 0;
        while (true) {
            long asked = System.nanoTime();
            try {
                state = newest(api, id);
            } catch (IOException e) {
                // A 503 (the engine did not answer within its own limit) or no answer in time: note it and ask again.
                log.warn("GET /api/v1/rollouts?limit=1 failed after {} ms: {}", (System.nanoTime() - asked) / 1_000_000, e.toString());
            }
            slowestPoll = Math.max(slowestPoll, System.nanoTime() - asked);
            if (state != null && !"running".equals(state.path("state").asText()) || System.nanoTime() - start > GIVE_UP.toNanos()) {
                break;
            }
            Thread.sleep(POLL_MS);
        }
        long done = System.nanoTime();
        ackClock.shutdownNow();
        if (state == null) {
            throw new IllegalStateException("GET /api/v1/rollouts never answered within " + GIVE_UP);
        }
        double cpuPct = 100.0 * (controller.cpu().toNanos() - cpu0) / (done - start);
        double benchCpuPct = 100.0 * (benchCpuNanos() - benchCpu0) / (done - start);
        List<String> threads = ProcessStats.topThreads(threads0, ProcessStats.threadTicks(controller.pid()), 6);
        if (jfr != null) {
            controller.jcmd("JFR.stop", "name=rollout", "filename=" + jfr.toAbsolutePath());
            log.info("JFR recording of the rollout written to {}", jfr.toAbsolutePath());
        }
        // Acks already counted by the controller were sent before; give the simulator's counters a moment anyway.
        Thread.sleep(200);
        long acks = sim.counters().configAcks() - acks0;
        JsonNode full = api.get("/api/v1/rollouts/" + id);
        Map<String, Long> acked = sim.configVersions();
        long mismatches = 0;
        int listed = 0;
        for (JsonNode box : full.path("boxes")) {
            listed++;
            Long version = acked.get(box.path("boxId").asText());
            if (version == null || box.path("version").isNull() || version != box.path("version").asLong()) {
                mismatches++;
            }
        }
        mismatches += Math.abs(acked.size() - listed);
        List<Integer> waveSizes = new ArrayList<>();
        full.path("waveSizes").forEach(n -> waveSizes.add(n.asInt()));
        return new Run(plan.profile(), plan.waves(), id, waveSizes, (answered - start) / 1e6, (done - start) / 1e6,
                firstAck.get() < 0 ? Double.NaN : (firstAck.get() - start) / 1e6, allAcks.get() < 0 ? Double.NaN : (allAcks.get() - start) / 1e6,
                slowestPoll / 1e6,
                state.path("state").asText(), state.path("counts").path("applied").asInt(), acks, mismatches, cpuPct, benchCpuPct,
                threads, ProcessStats.loadAverage());
    }

    private static long benchCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
    }

    /** The newest rollout without its per-box list; it is ours, as nothing else starts rollouts here. */
    private static JsonNode newest(Api api, String id) throws IOException, InterruptedException {
        JsonNode list = api.get("/api/v1/rollouts?limit=1");
        JsonNode r = list.path(0);
        if (!id.equals(r.path("id").asText())) {
            throw new IllegalStateException("the newest rollout is " + r.path("id").asText() + ", not " + id);
        }
        return r;
    }

    /** The controller's HTTP API. */
    private static final class Api {
        final ObjectMapper json = new ObjectMapper();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        final String base;
        final String token;

        Api(int port, String token) {
            this.base = "http://127.0.0.1:" + port;
            this.token = token;
        }

        HttpResponse<byte[]> post(String path, String body) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            // Longer than the controller's own 60 s limit for an answer of the rollout engine, so a slow answer is measured, not cut off.
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                            .header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + path + " answered " + r.statusCode());
            }
            return json.readTree(r.body());
        }
    }
}
