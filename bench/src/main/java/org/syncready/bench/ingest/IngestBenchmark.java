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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See the package comment. Both phases run in this JVM, one after the other, with fresh brokers. */
public final class IngestBenchmark {
    private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(3);

    /** {@code messages} statuses from {@code boxes} boxes, each with at most {@code window} unacknowledged. */
    public record Options(int boxes, long messages, int window, Path workDir, Path jfrFile) {
        public Options {
            if (boxes < 1 || messages < boxes || window < 1) {
                throw new IllegalArgumentException("need boxes >= 1, messages >= boxes, window >= 1");
            }
        }
    }

    /** One phase's figures; {@code delivered} is what reached the end of the pipe (subscriber or SQLite rows). */
    public record Phase(String name, long sent, long delivered, double seconds, String detail) {
        public double perSecond() {
            return sent / seconds;
        }

        public long lost() {
            return Math.max(0, sent - delivered);
        }
    }

    public record Result(Phase broker, Phase controller, int payloadBytes, boolean liveStateComplete) {
        public double ratio() {
            return controller.perSecond() / broker.perSecond();
        }

        public boolean lossless() {
            return broker.lost() == 0 && controller.lost() == 0 && liveStateComplete;
        }
    }

    private IngestBenchmark() {
    }

    public static Result run(Options options) throws Exception {
        Files.createDirectories(options.workDir());
        int payloadBytes = new MessageCodec().encode(StatusFactory.status("sim-00000", "3f2b9c1e-7d4a-4f0e-9b8e-2c6a5d1f0e47",
                System.currentTimeMillis(), 1234, 10, false)).length;
        Phase broker = brokerOnly(options);
        System.gc();
        ControllerPhase controller = throughController(options);
        return new Result(broker, controller.phase(), payloadBytes, controller.liveStateComplete());
    }

    private record ControllerPhase(Phase phase, boolean liveStateComplete) {
    }

    private static Phase brokerOnly(Options o) throws Exception {
        Map<String, String> secrets = new HashMap<>();
        List<BoxCredentials> credentials = new ArrayList<>();
        for (int i = 0; i < o.boxes(); i++) {
            BoxCredentials c = new BoxCredentials(FleetEnrollment.boxId(i), BoxSecrets.newSecret());
            credentials.add(c);
            secrets.put(c.boxId(), c.password());
        }
        String controllerSecret = BoxSecrets.newSecret();
        LongAdder statuses = new LongAdder();
        EmbeddedBroker broker = EmbeddedBroker.start(o.workDir().resolve("broker-only"),
                new EmbeddedBroker.Settings("127.0.0.1", 0, 200_000), (clientId, user, password) -> {
                    String pw = new String(password, StandardCharsets.UTF_8);
                    if (user.equals(FleetRegistry.CONTROLLER_CLIENT_PREFIX) && pw.equals(controllerSecret)) {
                        return Optional.of(BrokerPrincipal.controller(clientId));
                    }
                    return pw.equals(secrets.get(user)) && user.equals(clientId) ? Optional.of(BrokerPrincipal.box(user)) : Optional.empty();
                }, new ControllerMetrics());
        String uri = "tcp://127.0.0.1:" + broker.port();
        ControllerMqttClient subscriber = new ControllerMqttClient(new ControllerMqttClient.Endpoint(uri,
                FleetRegistry.CONTROLLER_CLIENT_PREFIX + "-null", FleetRegistry.CONTROLLER_CLIENT_PREFIX,
                controllerSecret.getBytes(StandardCharsets.UTF_8)), new MessageCodec());
        try (broker; subscriber) {
            // The same client and subscription as the controller's ingest, with a handler that only counts.
            subscriber.connect(Ingest.filters(null), (topic, message) -> {
                if (topic.endsWith("/status")) {
                    statuses.increment();
                }
            });
            return runLoad("broker + null subscriber", o, broker.port(), credentials, statuses::sum, null).phase();
        }
    }

    private static ControllerPhase throughController(Options o) throws Exception {
        Path dataDir = o.workDir().resolve("controller");
        deleteTree(dataDir);
        try (Controller controller = Controller.start(ControllerConfig.defaults(dataDir).withPorts(0, 0))) {
            int mqttPort = Integer.parseInt(controller.brokerUri().substring(controller.brokerUri().lastIndexOf(':') + 1));
            List<BoxCredentials> credentials = new FleetEnrollment("127.0.0.1", controller.httpPort()).enroll(0, o.boxes());
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("syncready.db").toAbsolutePath())) {
                LongSupplier rows = () -> countRows(db);
                Load load = runLoad("controller (decode, state, SQLite)", o, mqttPort, credentials, rows, (sim) -> {
                    int mismatched = 0;
                    try {
                        for (Map.Entry<String, Long> e : sim.lastStatusSeqs().entrySet()) {
                            Optional<BoxSnapshot> snap = controller.fleet().snapshot(e.getKey());
                            long seen = snap.map(BoxSnapshot::status).map(s -> s.seq()).orElse(-1L);
                            if (seen != e.getValue()) {
                                mismatched++;
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return mismatched;
                });
                Phase phase = load.phase();
                return new ControllerPhase(new Phase(phase.name(), phase.sent(), phase.delivered(), phase.seconds(),
                        phase.detail() + " duplicates=" + (long) controller.metrics().count("syncready.ingest.duplicates")
                                + " gaps=" + (long) controller.metrics().count("syncready.ingest.gap.messages")),
                        load.stateMismatches() == 0);
            }
        }
    }

    /** Checks the live state after the load: returns how many boxes' latest status seq does not match. */
    @FunctionalInterface
    private interface StateCheck {
        int mismatches(FleetSimulator sim);
    }

    private record Load(Phase phase, int stateMismatches) {
    }

    private static Load runLoad(String name, Options o, int mqttPort, List<BoxCredentials> credentials,
                                 LongSupplier delivered, StateCheck stateCheck) throws Exception {
        FleetSimulator.Settings settings = FleetSimulator.Settings.of("127.0.0.1", mqttPort);
        try (FleetSimulator sim = FleetSimulator.start(settings)) {
            int connected = sim.connect(credentials, Duration.ofSeconds(120));
            if (connected != credentials.size()) {
                throw new IllegalStateException(name + ": only " + connected + " of " + credentials.size() + " boxes connected");
            }
            awaitCount(name + " first statuses", delivered, sim.counters().statusSent());
            // Warm-up: the same kind of burst, unmeasured, so both phases run JIT-compiled code.
            long warmup = Math.max(o.boxes(), o.messages() / 10);
            sim.burst(warmup, o.window(), PHASE_TIMEOUT).get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitCount(name + " warm-up", delivered, sim.counters().statusSent());

            long base = sim.counters().statusSent();
            JfrWindow jfr = stateCheck != null && o.jfrFile() != null ? JfrWindow.start() : null;
            long t0 = System.nanoTime();
            sim.burst(o.messages(), o.window(), PHASE_TIMEOUT).get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long target = base + o.messages();
            awaitCount(name, delivered, target);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (jfr != null) {
                jfr.stop(o.jfrFile());
            }
            // Let anything late (duplicates, stragglers) arrive before counting.
            Thread.sleep(500);
            long sent = sim.counters().statusSent();
            long got = delivered.getAsLong();
            int mismatches = stateCheck == null ? 0 : stateCheck.mismatches(sim);
            String detail = "acked=" + sim.counters().acked() + " publishFailures=" + sim.counters().publishFailures()
                    + " connectionsLost=" + sim.counters().connectionsLost()
                    + (stateCheck == null ? "" : " liveStateMismatches=" + mismatches);
            log.info("{}: {} statuses in {} s = {} msg/s; delivered {} of {} sent ({})", name, o.messages(),
                    "%.2f".formatted(seconds), Math.round(o.messages() / seconds), got, sent, detail);
            return new Load(new Phase(name, o.messages(), o.messages() - Math.max(0, sent - got), seconds, detail), mismatches);
        }
    }

    private static void awaitCount(String what, LongSupplier count, long target) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (count.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": only " + count.getAsLong() + " of " + target + " arrived in " + PHASE_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    private static long countRows(Connection db) {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM box_status")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count stored statuses: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A JFR recording of the measured window of the controller phase only. */
    private record JfrWindow(Recording recording) {
        static JfrWindow start() throws Exception {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.start();
            return new JfrWindow(r);
        }

        void stop(Path file) throws java.io.IOException {
            recording.stop();
            recording.dump(file);
            recording.close();
            log.info("JFR recording of the controller phase written to {}", file.toAbsolutePath());
        }
    }
}
