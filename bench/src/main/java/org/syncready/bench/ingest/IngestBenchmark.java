package org.syncready.bench.ingest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.syncready.bench.scratch.ScratchFolder;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.syncready.bench.sim.FleetSimulator;
import org.syncready.bench.sim.StatusFactory;
import org.syncready.controller.Controller;
import org.syncready.controller.ControllerConfig;
import org.syncready.controller.broker.BrokerPrincipal;
import org.syncready.controller.broker.EmbeddedBroker;
import org.syncready.controller.fleet.BoxSecrets;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.ingest.Ingest;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.mqtt.ControllerMqttClient;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.StatusMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * See the package comment. Both set-ups run side by side in this JVM, each with its own broker and
 * simulated fleet; the measured bursts alternate between them (a, b, a, b, ...) so that load from
 * other processes on a shared machine hits both about equally.
 */
public final class IngestBenchmark {
    private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /**
     * {@code messages} statuses per set-up from {@code boxes} boxes, each box with at most
     * {@code window} unacknowledged, split into {@code rounds} alternating bursts. With {@code jfrPrefix},
     * each set-up's first measured burst is recorded to {@code <prefix>-broker.jfr} / {@code <prefix>-controller.jfr}.
     */
    public record Options(int boxes, long messages, int window, int rounds, Path workDir, Path jfrPrefix, boolean tls,
                          boolean subscriber) {
        public Options {
            if (boxes < 1 || messages < boxes || window < 1 || rounds < 1) {
                throw new IllegalArgumentException("need boxes >= 1, messages >= boxes, window >= 1, rounds >= 1");
            }
            if (tls && subscriber) {
                throw new IllegalArgumentException("--tls and --subscriber each add the third set-up: one at a time");
            }
        }

        /** With the TLS set-up as the third, or none. */
        public Options(int boxes, long messages, int window, int rounds, Path workDir, Path jfrPrefix, boolean tls) {
            this(boxes, messages, window, rounds, workDir, jfrPrefix, tls, false);
        }

        /** Without the TLS set-up. */
        public Options(int boxes, long messages, int window, int rounds, Path workDir, Path jfrPrefix) {
            this(boxes, messages, window, rounds, workDir, jfrPrefix, false);
        }
    }

    /** One set-up's figures; {@code lost} = statuses sent minus statuses that reached the end of its pipe. */
    public record Phase(String name, long measured, double seconds, double cpuSeconds, long sent, long delivered, String detail) {
        public double perSecond() {
            return measured / seconds;
        }

        /** CPU time of this whole JVM (simulator, broker, subscriber or controller) per status, in microseconds. */
        public double cpuMicrosPerMessage() {
            return cpuSeconds * 1e6 / measured;
        }

        public long lost() {
            return Math.max(0, sent - delivered);
        }
    }

    /**
     * @param tls             (c), the controller with its boxes on MQTT over TLS; null unless asked for
     * @param tlsRoundRatios  per round, (c)'s throughput over (b)'s
     */
    public record Result(Phase broker, Phase controller, List<Double> roundRatios, int payloadBytes, int liveStateMismatches,
                         Phase tls, List<Double> tlsRoundRatios) {
        public double ratio() {
            return controller.perSecond() / broker.perSecond();
        }

        /** Throughput over TLS relative to plain MQTT, both through the whole controller: c/b. */
        public double tlsRatio() {
            return tls == null ? Double.NaN : tls.perSecond() / controller.perSecond();
        }

        public boolean lossless() {
            return broker.lost() == 0 && controller.lost() == 0 && liveStateMismatches == 0 && (tls == null || tls.lost() == 0);
        }
    }

    private IngestBenchmark() {
    }

    public static int payloadBytes() {
        return new MessageCodec().encode(StatusFactory.status("sim-00000", "3f2b9c1e-7d4a-4f0e-9b8e-2c6a5d1f0e47",
                System.currentTimeMillis(), 1234, 10, false)).length;
    }

    public static Result run(Options o) throws Exception {
        Files.createDirectories(o.workDir());
        try (Target broker = brokerOnly(o); Target controller = throughController(o, false, false);
             Target tls = o.tls() ? throughController(o, true, false) : o.subscriber() ? throughController(o, false, true) : null) {
            Target[] targets = tls == null ? new Target[] {broker, controller} : new Target[] {broker, controller, tls};
            long warmup = Math.max(o.boxes(), o.messages() / 10);
            for (Target t : targets) {
                t.warmUp(warmup, o.window());
            }
            double[][] seconds = new double[targets.length][o.rounds()];
            double[] cpu = new double[targets.length];
            long perRound = o.messages() / o.rounds();
            for (int r = 0; r < o.rounds(); r++) {
                for (int i = 0; i < targets.length; i++) {
                    Path jfr = r == 0 && o.jfrPrefix() != null
                            ? Path.of(o.jfrPrefix() + (i == 0 ? "-broker.jfr" : i == 1 ? "-controller.jfr" : (o.subscriber() ? "-subscriber.jfr" : "-tls.jfr"))) : null;
                    long cpu0 = processCpuNanos();
                    seconds[i][r] = targets[i].measure(perRound, o.window(), jfr);
                    cpu[i] += (processCpuNanos() - cpu0) / 1e9;
                }
            }
            Thread.sleep(500); // anything late (duplicates, stragglers) arrives before counting
            List<Double> roundRatios = new ArrayList<>();
            for (int r = 0; r < o.rounds(); r++) {
                roundRatios.add(seconds[0][r] / seconds[1][r]);
            }
            int mismatches = controller.stateMismatches() + (tls == null ? 0 : tls.stateMismatches());
            List<Double> tlsRatios = new ArrayList<>();
            if (tls != null) {
                for (int r = 0; r < o.rounds(); r++) {
                    tlsRatios.add(seconds[1][r] / seconds[2][r]);
                }
            }
            return new Result(broker.phase(perRound * o.rounds(), sum(seconds[0]), cpu[0]),
                    controller.phase(perRound * o.rounds(), sum(seconds[1]), cpu[1]), roundRatios, payloadBytes(), mismatches,
                    tls == null ? null : tls.phase(perRound * o.rounds(), sum(seconds[2]), cpu[2]), tlsRatios);
        }
    }

    private static Map<Long, Long> threadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t >= 0) {
                cpu.put(id, t);
            }
        }
        return cpu;
    }

    /** The threads that used the most CPU between two snapshots, as "name NN%" of one core, pools summed. */
    private static String busiest(Map<Long, Long> before, Map<Long, Long> after, long elapsedNanos) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new HashMap<>();
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            java.lang.management.ThreadInfo info = threads.getThreadInfo(e.getKey());
            if (info != null) {
                String name = info.getThreadName().replaceAll("-[0-9a-f]{8}$", "").replaceAll("[0-9]+$", "#");
                byName.merge(name, e.getValue() - before.getOrDefault(e.getKey(), 0L), Long::sum);
            }
        }
        return byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + " " + Math.round(100.0 * e.getValue() / elapsedNanos) + "%")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * Mean and largest rows per SQLite transaction, from the controller's Prometheus text (a histogram
     * with fixed buckets: its _sum over _count, and _max).
     */
    private static String storeBatchSizes(String scrape) {
        double sum = 0;
        double count = 0;
        double max = 0;
        for (String line : scrape.split("\n")) {
            double v = line.startsWith("syncready_store_batch_size") ? Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) : 0;
            if (line.startsWith("syncready_store_batch_size_sum ")) {
                sum = v;
            } else if (line.startsWith("syncready_store_batch_size_count ")) {
                count = v;
            } else if (line.startsWith("syncready_store_batch_size_max ")) {
                max = v;
            }
        }
        return count == 0 ? "-" : "mean:" + Math.round(sum / count) + "/max:" + Math.round(max);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    /** (a): the embedded broker, same settings and access control as the controller's, and a counting subscriber. */
    private static Target brokerOnly(Options o) throws Exception {
        Map<String, String> secrets = new HashMap<>();
        List<BoxCredentials> credentials = new ArrayList<>();
        for (int i = 0; i < o.boxes(); i++) {
            BoxCredentials c = new BoxCredentials(FleetEnrollment.boxId(i), BoxSecrets.newSecret());
            credentials.add(c);
            secrets.put(c.boxId(), c.password());
        }
        String controllerSecret = BoxSecrets.newSecret();
        LongAdder statuses = new LongAdder();
        Path home = o.workDir().resolve("broker-only");
        ScratchFolder.clear(home);
        EmbeddedBroker broker = EmbeddedBroker.start(home, new EmbeddedBroker.Settings("127.0.0.1", 0, 200_000),
                (clientId, user, password) -> {
                    String pw = new String(password, StandardCharsets.UTF_8);
                    if (user.equals(FleetRegistry.CONTROLLER_CLIENT_PREFIX) && pw.equals(controllerSecret)) {
                        return Optional.of(BrokerPrincipal.controller(clientId));
                    }
                    return pw.equals(secrets.get(user)) && user.equals(clientId) ? Optional.of(BrokerPrincipal.box(user)) : Optional.empty();
                }, new ControllerMetrics());
        ControllerMqttClient subscriber = null;
        try {
            subscriber = new ControllerMqttClient(new ControllerMqttClient.Endpoint("tcp://127.0.0.1:" + broker.port(),
                    FleetRegistry.CONTROLLER_CLIENT_PREFIX + "-null", FleetRegistry.CONTROLLER_CLIENT_PREFIX,
                    controllerSecret.getBytes(StandardCharsets.UTF_8)), new MessageCodec());
            // The controller's own MQTT client and subscription, with a handler that only counts.
            subscriber.connect(Ingest.filters(null), (topic, message) -> {
                if (topic.endsWith("/status")) {
                    statuses.increment();
                }
            });
            Target t = new Target("(a) broker + null subscriber", FleetSimulator.Settings.of("127.0.0.1", broker.port()),
                    credentials, statuses::sum, null, List.of(subscriber, broker));
            return t;
        } catch (Exception | Error e) {
            if (subscriber != null) {
                subscriber.close();
            }
            broker.close();
            throw e;
        }
    }

    /**
     * (b): the whole controller (ingest inside its broker); delivered = rows in box_status. (c) with
     * {@code tls}: the same, boxes on MQTT over TLS. (d) with {@code subscriber}: ingest through the
     * controller's MQTT subscription (Paho, persistent session, the broker's file queue), as before.
     */
    private static Target throughController(Options o, boolean tls, boolean subscriber) throws Exception {
        Path dataDir = o.workDir().resolve(tls ? "controller-tls" : subscriber ? "controller-subscriber" : "controller");
        ScratchFolder.clear(dataDir);
        Controller controller = Controller.start(ControllerConfig.builder(dataDir).freePorts()
                .ingestThroughSubscriber(subscriber).build());
        try {
            int mqttPort = Integer.parseInt(controller.brokerUri().substring(controller.brokerUri().lastIndexOf(':') + 1));
            List<BoxCredentials> credentials = new FleetEnrollment("127.0.0.1", controller.httpPort(),
                    controller.accounts().createToken("admin", "ingest benchmark", null, "admin").secret()).enroll(0, o.boxes());
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("syncready.db").toAbsolutePath());
            FleetSimulator.Settings fleet = tls
                    ? FleetSimulator.Settings.of("127.0.0.1", controller.mqttsPort()).withTls(controller.tls().caPem())
                    : FleetSimulator.Settings.of("127.0.0.1", mqttPort);
            return new Target(tls ? "(c) controller, boxes on MQTT over TLS"
                    : subscriber ? "(d) controller through its subscription" : "(b) controller: decode, state, SQLite", fleet,
                    credentials, new StoredRows(db), controller, List.of(db::close, controller));
        } catch (Exception | Error e) {
            controller.close();
            throw e;
        }
    }

    /** One set-up with its own simulated fleet. */
    private static final class Target implements AutoCloseable {
        private final String name;
        private final FleetSimulator sim;
        private final LongSupplier delivered;
        private final Controller controller;
        private final List<AutoCloseable> resources;
        private String busiestThreads = "";

        Target(String name, FleetSimulator.Settings fleet, List<BoxCredentials> credentials, LongSupplier delivered,
               Controller controller, List<AutoCloseable> resources) throws Exception {
            this.name = name;
            this.delivered = delivered;
            this.controller = controller;
            this.resources = resources;
            this.sim = FleetSimulator.start(fleet);
            int connected = sim.connect(credentials, Duration.ofSeconds(120));
            if (connected != credentials.size()) {
                sim.close();
                throw new IllegalStateException(name + ": only " + connected + " of " + credentials.size() + " boxes connected");
            }
        }

        void warmUp(long messages, int window) throws Exception {
            awaitDelivered(sim.counters().statusSent(), "first statuses");
            sim.burst(messages, window, TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitDelivered(sim.counters().statusSent(), "warm-up");
        }

        /** One measured burst: seconds from its start until its last status reached the end of the pipe. */
        double measure(long messages, int window, Path jfr) throws Exception {
            long target = sim.counters().statusSent() + messages;
            Recording recording = null;
            if (jfr != null) {
                recording = new Recording(Configuration.getConfiguration("profile"));
                recording.start();
            }
            Map<Long, Long> threadCpu0 = threadCpu();
            long t0 = System.nanoTime();
            sim.burst(messages, window, TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitDelivered(target, "burst");
            long elapsed = System.nanoTime() - t0;
            double seconds = elapsed / 1e9;
            busiestThreads = busiest(threadCpu0, threadCpu(), elapsed);
            if (recording != null) {
                recording.stop();
                recording.dump(jfr);
                recording.close();
                log.info("JFR recording of {} written to {}", name, jfr.toAbsolutePath());
            }
            log.info("{}: {} statuses in {} s = {} msg/s; busiest threads (% of one core): {}", name, messages,
                    "%.2f".formatted(seconds), Math.round(messages / seconds), busiestThreads);
            return seconds;
        }

        private void awaitDelivered(long target, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            if (delivered instanceof StoredRows rows) {
                while (rows.estimate() < target && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            while (delivered.getAsLong() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " " + what + ": only " + delivered.getAsLong() + " of " + target
                            + " statuses arrived in " + TIMEOUT + " (" + sim.counters() + ")");
                }
                // Counting the SQLite rows costs CPU in this JVM too: poll often enough for a ~1 % timing error, no more.
                Thread.sleep(50);
            }
        }

        /** Boxes whose latest status in the controller's live state is not the last one they sent. */
        int stateMismatches() throws Exception {
            if (controller == null) {
                return 0;
            }
            int mismatched = 0;
            for (Map.Entry<String, Long> e : sim.lastStatusSeqs().entrySet()) {
                long seen = controller.fleet().snapshot(e.getKey()).map(BoxSnapshot::status).map(StatusMessage::seq).orElse(-1L);
                if (seen != e.getValue()) {
                    mismatched++;
                }
            }
            return mismatched;
        }

        Phase phase(long measured, double seconds, double cpuSeconds) {
            String detail = "acked=" + sim.counters().acked() + " publishFailures=" + sim.counters().publishFailures()
                    + " connectionsLost=" + sim.counters().connectionsLost();
            if (controller != null) {
                detail += " duplicates=" + (long) controller.metrics().count("syncready.ingest.duplicates")
                        + " gaps=" + (long) controller.metrics().count("syncready.ingest.gap.messages")
                        + " storeBatch=" + storeBatchSizes(controller.metrics().scrape());
            }
            return new Phase(name, measured, seconds, cpuSeconds, sim.counters().statusSent(), delivered.getAsLong(), detail);
        }

        @Override
        public void close() {
            sim.close();
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    log.info("closing {}: {}", name, e.toString());
                }
            }
        }
    }

    /**
     * Rows in box_status, read from the controller's SQLite file over a connection of our own: the
     * benchmark watches the store from outside, as an operator's {@code sqlite3} would, so it counts
     * what was committed and not what the controller believes (the one JDBC use outside the
     * controller's store package, on purpose). While waiting, the largest rowid is polled: it costs a B-tree descent where
     * count(*) scans an index (polled 20 times a second, count(*) cost this JVM a few % of a core during
     * (b)); the exact count confirms it before a figure is taken.
     */
    private static final class StoredRows implements LongSupplier {
        private final Connection db;

        StoredRows(Connection db) {
            this.db = db;
        }

        /** The exact count. */
        @Override
        public long getAsLong() {
            return query("SELECT count(*) FROM box_status");
        }

        /** The largest rowid: never below the count while rows are only added, and cheap. */
        long estimate() {
            return query("SELECT coalesce(max(rowid), 0) FROM box_status");
        }

        private long query(String sql) {
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot count stored statuses: " + e.getMessage(), e);
            }
        }
    }

}
