package org.syncready.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.rollout.BoxDirectory;
import org.syncready.controller.rollout.ConfigSigner;
import org.syncready.controller.rollout.DesiredPublisher;
import org.syncready.controller.rollout.LiveBoxes;
import org.syncready.controller.rollout.RolloutRequest;
import org.syncready.controller.rollout.RolloutStore;
import org.syncready.controller.rollout.RolloutView;
import org.syncready.controller.rollout.Rollouts;
import org.syncready.controller.store.Database;
import org.syncready.controller.store.SqlRolloutStore;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.ConfigReported;
import org.syncready.protocol.MessageCodec;

/**
 * The rollout engine alone at province size: the controller's {@link Rollouts} (planner, runner,
 * signing, its SQLite store in a real file) on a registry of {@code boxes} boxes, whose publisher hands
 * each signed document to a pool of "boxes" that report {@code applied} at once. No broker and no MQTT:
 * what it measures is what the controller itself spends per box (the 10,000-box {@code rollout}
 * benchmark measures it end to end with a real broker and simulated boxes). It exists because a
 * 100,000-box fleet cannot connect to one process on this machine: the container's hard limit of open
 * files is 20,000 per process (docs/SCALE.md).
 */
public final class RolloutEngineBenchmark {
    private static final String MODEL = "generic-recorder-a";

    /** One rollout: the POST (plan, store, answer) and the time until every box applied. */
    public record Run(String waves, List<Integer> waveSizes, double postMs, double allAppliedMs, String state, int applied,
                      long published, double rolloutsThreadCpuS) {
    }

    public record Result(int boxes, int schools, List<Run> runs, long dbBytes) {
    }

    private RolloutEngineBenchmark() {
    }

    public static Result run(int boxes, int schools, Path workDir) throws Exception {
        Files.createDirectories(workDir);
        Path db = workDir.resolve("rollouts.db");
        Files.deleteIfExists(db);
        Files.deleteIfExists(workDir.resolve("rollouts.db-wal"));
        Files.deleteIfExists(workDir.resolve("rollouts.db-shm"));
        Directory directory = new Directory(boxes, schools);
        MessageCodec codec = new MessageCodec();
        ExecutorService fleet = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "boxes");
            t.setDaemon(true);
            return t;
        });
        AtomicLong published = new AtomicLong();
        List<Run> runs = new ArrayList<>();
        try (Database database = Database.open(db)) {
            Rollouts[] engine = new Rollouts[1];
            DesiredPublisher publisher = new DesiredPublisher() {
                @Override
                public boolean connected() {
                    return true;
                }

                @Override
                public void publish(RolloutStore.Desired doc) {
                    published.incrementAndGet();
                    // The box verifies nothing here: it says applied, as a box does a moment after a valid document.
                    fleet.execute(() -> engine[0].onMessage(new ConfigReported(1, doc.boxId(), System.currentTimeMillis(), "boot-1",
                            doc.version(), doc.version(), ConfigReported.Result.APPLIED, null)));
                }
            };
            try (Rollouts rollouts = new Rollouts(directory, ProfileCatalogue.packaged(), ConfigSigner.loadOrCreate(workDir.resolve("keys")),
                    new SqlRolloutStore(database), (who, action, target, detail, result) -> { }, publisher, LiveBoxes.NONE, codec,
                    Clock.systemUTC(), Duration.ofMinutes(10))) {
                engine[0] = rollouts;
                rollouts.start();
                runs.add(rollout(rollouts, codec, MODEL + "/standard-1080p", "[\"100%\"]", published));
                runs.add(rollout(rollouts, codec, MODEL + "/low-uplink-720p", "[1,\"10%\",\"100%\"]", published));
            }
        } finally {
            fleet.shutdownNow();
        }
        long bytes = Files.size(db) + (Files.exists(workDir.resolve("rollouts.db-wal")) ? Files.size(workDir.resolve("rollouts.db-wal")) : 0);
        return new Result(boxes, schools, runs, bytes);
    }

    private static Run rollout(Rollouts rollouts, MessageCodec codec, String profile, String waves, AtomicLong published) throws Exception {
        String body = "{\"profile\":\"" + profile + "\",\"target\":{\"all\":true},\"strategy\":{\"waves\":" + waves + ",\"boxTimeoutS\":600}}";
        JsonNode json = codec.mapper().readTree(body);
        long cpu0 = threadCpu("rollouts");
        long publishedBefore = published.get();
        long t0 = System.nanoTime();
        RolloutView started = rollouts.start(RolloutRequest.parse(json), json, new Actor("bench", "127.0.0.1"));
        double postMs = (System.nanoTime() - t0) / 1e6;
        RolloutView now;
        do {
            Thread.sleep(50);
            now = rollouts.summaries(1).get(0);
        } while (now.state().equals("running") && (System.nanoTime() - t0) < Duration.ofMinutes(10).toNanos());
        double allMs = (System.nanoTime() - t0) / 1e6;
        return new Run(waves, started.waveSizes(), postMs, allMs, now.state(), now.counts().getOrDefault("applied", 0),
                published.get() - publishedBefore, (threadCpu("rollouts") - cpu0) / 1e9);
    }

    /** CPU time of the thread called {@code name}, ns; 0 when there is none. */
    private static long threadCpu(String name) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals(name)) {
                return Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return 0;
    }

    /** {@code boxes} boxes of one model, one per classroom, spread over {@code schools} schools. */
    private static final class Directory implements BoxDirectory {
        private final Map<String, Box> boxes = new LinkedHashMap<>();
        private final Map<String, String> schoolOf = new LinkedHashMap<>();
        private final Map<String, List<String>> rooms = new LinkedHashMap<>();

        Directory(int n, int schools) {
            for (int i = 0; i < n; i++) {
                String id = String.format("box-%06d", i);
                String school = String.format("school-%04d", i % schools);
                boxes.put(id, new Box(id, "room-" + id, MODEL, 0));
                schoolOf.put(id, school);
                rooms.computeIfAbsent(school, s -> new ArrayList<>()).add("room-" + id);
            }
        }

        @Override
        public Optional<Box> box(String id) {
            return Optional.ofNullable(boxes.get(id));
        }

        @Override
        public List<Box> boxes() {
            return List.copyOf(boxes.values());
        }

        @Override
        public boolean hasClassroom(String id) {
            return id.startsWith("room-") && boxes.containsKey(id.substring(5));
        }

        @Override
        public boolean hasSchool(String id) {
            return rooms.containsKey(id);
        }

        @Override
        public List<String> classroomIds(String schoolId) {
            return rooms.getOrDefault(schoolId, List.of());
        }

        @Override
        public Optional<String> schoolOf(String boxId) {
            return Optional.ofNullable(schoolOf.get(boxId));
        }
    }
}
