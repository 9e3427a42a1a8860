package org.syncready.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.time.Duration;
import java.util.List;
import org.syncready.bench.footprint.AgentFootprintBenchmark;
import org.syncready.bench.ingest.IngestBenchmark;
import org.syncready.bench.scale.ConnectionsBenchmark;
import org.syncready.bench.scale.FaultLatencyBenchmark;
import org.syncready.bench.scale.RolloutBenchmark;
import org.syncready.bench.scale.RolloutEngineBenchmark;
import org.syncready.bench.scale.TimetableImportBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point: {@code java -cp 'bench/target/syncready-bench.jar:bench/target/lib/*' org.syncready.bench.BenchMain <benchmark> [--quick]}.
 * Exit code 0 when the benchmark ran and lost nothing, 1 otherwise (a figure below target is not an error).
 */
@Command(name = "syncready-bench", mixinStandardHelpOptions = true,
        subcommands = {BenchMain.Ingest.class, BenchMain.Connections.class, BenchMain.FaultLatency.class,
                BenchMain.Rollout.class, BenchMain.RolloutEngine.class, BenchMain.TimetableImport.class, BenchMain.AgentFootprint.class,
                BenchMain.ReadinessSweep.class, BenchMain.OpcUa.class, BenchMain.JfrTop.class},
        description = "SyncReady benchmarks; each prints its figures.")
public final class BenchMain implements Runnable {

    public static void main(String[] args) {
        // The controller and HiveMQ jars each carry a logback.xml; name ours so logback does not have to pick one.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "syncready-bench-logback.xml");
        }
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static String load() {
        return "load " + String.join(" ", loadAverage());
    }

    private static String[] loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new String[] {parts[0], parts[1], parts[2]};
        } catch (java.io.IOException e) {
            return new String[] {"?"};
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Ingest ratio: the same status burst through the broker alone and through the whole controller.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--boxes", defaultValue = "1000", description = "simulated boxes (default: ${DEFAULT-VALUE})")
        int boxes;
        @Option(names = "--messages", defaultValue = "200000", description = "statuses in the measured burst (default: ${DEFAULT-VALUE})")
        long messages;
        @Option(names = "--window", defaultValue = "8", description = "unacknowledged statuses per box (default: ${DEFAULT-VALUE})")
        int window;
        @Option(names = "--rounds", defaultValue = "3", description = "alternating measured bursts per set-up (default: ${DEFAULT-VALUE})")
        int rounds;
        @Option(names = "--quick", description = "100 boxes, 10,000 statuses, 1 round: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/ingest", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;
        @Option(names = "--jfr", paramLabel = "PREFIX", description = "record each set-up's first measured burst to PREFIX-broker.jfr and PREFIX-controller.jfr")
        Path jfr;
        @Option(names = "--tls", description = "add (c): the whole controller with its boxes on MQTT over TLS, and report c/b, the cost of TLS")
        boolean tls;
        @Option(names = "--subscriber", description = "add (d): the whole controller ingesting through its MQTT subscription "
                + "(Paho, the broker's persistent queue) instead of inside its broker, and report d/b")
        boolean subscriber;

        @Override
        public Integer call() throws Exception {
            IngestBenchmark.Options options = quick
                    ? new IngestBenchmark.Options(100, 10_000, window, 1, workDir, jfr, tls, subscriber)
                    : new IngestBenchmark.Options(boxes, messages, window, rounds, workDir, jfr, tls, subscriber);
            String before = load();
            IngestBenchmark.Result r = IngestBenchmark.run(options);
            System.out.printf("ingest: %d boxes, %d statuses of %d bytes per set-up in %d alternating rounds, window %d per box (%s before, %s after)%n",
                    options.boxes(), options.messages(), r.payloadBytes(), options.rounds(), options.window(), before, load());
            List<IngestBenchmark.Phase> phases = new java.util.ArrayList<>(List.of(r.broker(), r.controller()));
            if (r.tls() != null) {
                phases.add(r.tls());
            }
            for (IngestBenchmark.Phase p : phases) {
                System.out.printf("  %-40s %7.0f msg/s, JVM CPU %5.0f us/msg  (%d in %.2f s; sent %d, arrived %d, lost %d; %s)%n",
                        p.name(), p.perSecond(), p.cpuMicrosPerMessage(), p.measured(), p.seconds(), p.sent(), p.delivered(), p.lost(), p.detail());
            }
            System.out.printf("  ratio b/a = %.2f (target >= 0.90), per round %s; live state mismatches %d; lossless=%s%n", r.ratio(),
                    r.roundRatios().stream().map(x -> "%.2f".formatted(x)).toList(), r.liveStateMismatches(), r.lossless());
            if (r.tls() != null) {
                System.out.printf("  %s: ratio %s/b = %.2f, per round %s; JVM CPU %.0f vs %.0f us/msg%n", subscriber ? "subscriber" : "TLS",
                        subscriber ? "d" : "c", r.tlsRatio(),
                        r.tlsRoundRatios().stream().map(x -> "%.2f".formatted(x)).toList(), r.tls().cpuMicrosPerMessage(),
                        r.controller().cpuMicrosPerMessage());
            }
            return r.lossless() ? 0 : 1;
        }
    }

    /** "1%", "0.5 %" or "1": a percentage, returned as a share 0..1; IllegalArgumentException saying what is wrong. */
    static double percent(String text) {
        String t = text == null ? "" : text.strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        double pct;
        try {
            pct = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--change-per-minute must be a percentage such as 1% or 0.5%, was '" + text + "'");
        }
        if (!(pct >= 0 && pct <= 100)) {
            throw new IllegalArgumentException("--change-per-minute must be 0%..100%, was '" + text + "'");
        }
        return pct / 100;
    }

    @Command(name = "connections", mixinStandardHelpOptions = true,
            description = "Boxes connected and reporting, in steps: status-to-API latency, controller RSS and CPU.")
    static final class Connections implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--steps", split = ",", defaultValue = "10000", description = "fleet sizes, comma-separated (default: ${DEFAULT-VALUE})")
        List<Integer> steps;
        @Option(names = "--interval", description = "periodic reporting: seconds between statuses per box (default: 10 unless --heartbeat)")
        Integer intervalS;
        @Option(names = "--heartbeat", paramLabel = "SECONDS",
                description = "report by exception: a status at least every SECONDS per box (60 is the agent's default) plus --change-per-minute")
        Integer heartbeatS;
        @Option(names = "--change-per-minute", paramLabel = "PERCENT", defaultValue = "1%",
                description = "with --heartbeat: share of the boxes whose camera breaks or recovers per minute, each reported at once (default: ${DEFAULT-VALUE})")
        String changePerMinute;
        @Option(names = "--window", description = "measured seconds per step (default: 40; with --heartbeat twice the heartbeat, at least 40)")
        Integer windowS;
        @Option(names = "--tracked", defaultValue = "200", description = "boxes whose statuses are timed through the API (default: ${DEFAULT-VALUE})")
        int tracked;
        @Option(names = "--controller-jvm-args", split = " ", description = "JVM flags of the controller process (default: none, JVM defaults)")
        List<String> controllerJvmArgs = List.of();
        @Option(names = "--quick", description = "200 boxes at a 2 s interval, 6 s window: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/connections", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            if (intervalS != null && heartbeatS != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give --interval (periodic) or --heartbeat (report by exception), not both");
            }
            boolean byException = heartbeatS != null;
            int every = byException ? heartbeatS : intervalS != null ? intervalS : 10;
            if (every < 1 || every > 3600) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        (byException ? "--heartbeat" : "--interval") + " must be 1..3600 seconds, was " + every);
            }
            double share;
            try {
                share = byException ? percent(changePerMinute) : 0;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            int window = windowS != null ? windowS : byException ? Math.max(40, 2 * every) : 40;
            ConnectionsBenchmark.Options options = quick
                    ? new ConnectionsBenchmark.Options(List.of(200), 2, Duration.ofSeconds(3), Duration.ofSeconds(6), 50, workDir,
                            controllerJvmArgs, byException, share)
                    : new ConnectionsBenchmark.Options(steps, every, Duration.ofSeconds(Math.max(10, (byException ? 0 : every) + 5)),
                            Duration.ofSeconds(window), tracked, workDir, controllerJvmArgs, byException, share);
            String before = load();
            List<ConnectionsBenchmark.Step> result = ConnectionsBenchmark.run(options);
            System.out.printf("connections: %s, %d tracked boxes, controller JVM flags %s (%s before, %s after)%n",
                    options.byException()
                            ? "report by exception, heartbeat %d s, %s of the boxes changing per minute".formatted(options.intervalS(),
                            "%.2f %%".formatted(options.changeSharePerMinute() * 100))
                            : "status every %d s".formatted(options.intervalS()),
                    options.trackedBoxes(), options.controllerJvmArgs(), before, load());
            boolean ok = !result.isEmpty();
            for (ConnectionsBenchmark.Step s : result) {
                System.out.printf("  %6d boxes (%d connected; enrolled in %.1f s, connected in %.1f s, backlog drained %.1f s later):"
                                + " status->API %s; worst 10 s slice p99 %.0f ms;"
                                + " controller RSS %.0f MB, live heap after a full GC %.0f MB, CPU %.0f %% of a core; %d statuses in the window, publish failures %d,"
                                + " connections lost %d; load %.2f%n",
                        s.boxes(), s.connected(), s.enrollSeconds(), s.connectSeconds(), s.settledSeconds(), s.latency(),
                        s.latency().worstSliceP99(), s.rssMb(), s.liveHeapMb(), s.cpuPct(),
                        s.statusSent(), s.publishFailures(), s.connectionsLost(), s.load());
                System.out.printf("         %.0f statuses/min from the fleet (%d changes in the %.0f s window)%n",
                        s.statusesPerMinute(), s.changes(), s.windowSeconds());
                System.out.printf("         window, %s%n", s.latency().detail());
                System.out.printf("         settling (sent from the first CONNECT to the window): %s; %s%n", s.settling(), s.settling().detail());
                ok &= s.connected() == s.boxes() && s.latency().missed() == 0 && s.latency().unfinished() == 0 && s.latency().samples() > 0;
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "opcua", mixinStandardHelpOptions = true,
            description = "The OPC UA server at district scale: controller RSS and CPU with OPC UA off, on, and with one client "
                    + "subscribed to every box's DeviceHealth; nodes; a camera fault's time to that client.")
    static final class OpcUa implements Callable<Integer> {
        @Option(names = "--boxes", defaultValue = "10000", description = "simulated boxes (default: ${DEFAULT-VALUE})")
        int boxes;
        @Option(names = "--interval", defaultValue = "10", description = "seconds between statuses per box (default: ${DEFAULT-VALUE})")
        int intervalS;
        @Option(names = "--window", defaultValue = "60", description = "measured seconds per phase (default: ${DEFAULT-VALUE})")
        int windowS;
        @Option(names = "--faults", defaultValue = "20", description = "camera faults timed to the OPC UA client (default: ${DEFAULT-VALUE})")
        int faults;
        @Option(names = "--no-baseline", description = "skip the run with OPC UA off")
        boolean noBaseline;
        @Option(names = "--controller-jvm-args", split = " ", description = "JVM flags of the controller process (default: none)")
        List<String> controllerJvmArgs = List.of();
        @Option(names = "--quick", description = "200 boxes, 2 s interval, 5 s windows, 3 faults: a smoke test")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/opcua", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            org.syncready.bench.scale.OpcUaBenchmark.Options options = quick
                    ? new org.syncready.bench.scale.OpcUaBenchmark.Options(200, 2, Duration.ofSeconds(3), Duration.ofSeconds(5), 3,
                    workDir, controllerJvmArgs, !noBaseline)
                    : new org.syncready.bench.scale.OpcUaBenchmark.Options(boxes, intervalS, Duration.ofSeconds(Math.max(15, intervalS + 5)),
                    Duration.ofSeconds(windowS), faults, workDir, controllerJvmArgs, !noBaseline);
            String before = load();
            org.syncready.bench.scale.OpcUaBenchmark.Result r = org.syncready.bench.scale.OpcUaBenchmark.run(options);
            System.out.printf("opcua: %d boxes reporting every %d s, controller JVM flags %s (%s before, %s after)%n",
                    r.boxes(), options.intervalS(), options.controllerJvmArgs(), before, load());
            if (r.off() != null) {
                System.out.printf("  OPC UA off:                   controller RSS %.0f MB, live heap %.0f MB, CPU %.1f %% of a core%n",
                        r.off().rssMb(), r.off().liveHeapMb(), r.off().cpuPct());
            }
            System.out.printf("  OPC UA on, no client:         controller RSS %.0f MB, live heap %.0f MB, CPU %.1f %% of a core%n",
                    r.idle().rssMb(), r.idle().liveHeapMb(), r.idle().cpuPct());
            System.out.printf("  one client, %6d items:     controller RSS %.0f MB, live heap %.0f MB, CPU %.1f %% of a core; %d notifications in %d s%n",
                    r.monitoredItems(), r.subscribed().rssMb(), r.subscribed().liveHeapMb(), r.subscribed().cpuPct(),
                    r.notificationsInWindow(), options.window().toSeconds());
            System.out.printf("  nodes: %d per box, ~%d addressable (computed on demand, none stored); browse of DeviceSet %.1f s; "
                    + "subscribe + first value of every item %.1f s%n", r.nodesPerBox(), r.addressableNodes(), r.browseSeconds(), r.subscribeSeconds());
            List<Long> ok = r.faultLatenciesMs().stream().filter(l -> l >= 0).sorted().toList();
            System.out.printf("  camera fault -> OPC UA client: %d of %d seen, median %d ms, max %d ms%n", ok.size(), r.faultLatenciesMs().size(),
                    ok.isEmpty() ? -1 : ok.get(ok.size() / 2), ok.isEmpty() ? -1 : ok.get(ok.size() - 1));
            return r.monitoredItems() == r.boxes() && ok.size() == r.faultLatenciesMs().size() ? 0 : 1;
        }
    }

    @Command(name = "fault-latency", mixinStandardHelpOptions = true,
            description = "Time from a simulated camera fault to the API showing it (p50/p99).")
    static final class FaultLatency implements Callable<Integer> {
        @Option(names = "--boxes", defaultValue = "1000", description = "fleet size, reporting every 10 s (default: ${DEFAULT-VALUE})")
        int boxes;
        @Option(names = "--faults", defaultValue = "500", description = "camera faults injected, one per box (default: ${DEFAULT-VALUE})")
        int faults;
        @Option(names = "--rate", defaultValue = "10", description = "faults per second (default: ${DEFAULT-VALUE})")
        int rate;
        @Option(names = "--controller-jvm-args", split = " ", description = "JVM flags of the controller process (default: none)")
        List<String> controllerJvmArgs = List.of();
        @Option(names = "--quick", description = "100 boxes, 40 faults: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/fault-latency", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            FaultLatencyBenchmark.Options options = quick
                    ? new FaultLatencyBenchmark.Options(100, 40, 20, workDir, controllerJvmArgs)
                    : new FaultLatencyBenchmark.Options(boxes, faults, rate, workDir, controllerJvmArgs);
            String before = load();
            FaultLatencyBenchmark.Result r = FaultLatencyBenchmark.run(options);
            System.out.printf("fault-latency: %d boxes reporting every 10 s, %d camera faults at %d/s (%s before, %s after)%n",
                    r.boxes(), r.faults(), options.faultsPerSecond(), before, load());
            System.out.printf("  camera fault -> API shows it: %s%n    %s%n", r.latency(), r.latency().detail());
            return r.latency().missed() == 0 && r.latency().samples() == r.faults() ? 0 : 1;
        }
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true,
            description = "Time from POST /api/v1/rollouts to every box applied: one wave, then the default waves [1, 10%%, 100%%].")
    static final class Rollout implements Callable<Integer> {
        @Option(names = "--boxes", defaultValue = "1000", description = "fleet size (default: ${DEFAULT-VALUE})")
        int boxes;
        @Option(names = "--interval", defaultValue = "10", description = "seconds between statuses per box during the rollouts, 0 = quiet (default: ${DEFAULT-VALUE})")
        int intervalS;
        @Option(names = "--controller-jvm-args", split = " ", description = "JVM flags of the controller process (default: none)")
        List<String> controllerJvmArgs = List.of();
        @Option(names = "--jfr", paramLabel = "PREFIX", description = "record each rollout in the controller to PREFIX-1.jfr, PREFIX-2.jfr (see jfr-top)")
        Path jfr;
        @Option(names = "--quick", description = "100 boxes: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/rollout", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            RolloutBenchmark.Options options = new RolloutBenchmark.Options(quick ? 100 : boxes, intervalS, workDir, controllerJvmArgs, jfr);
            String before = load();
            RolloutBenchmark.Result r = RolloutBenchmark.run(options);
            System.out.printf("rollout: %d boxes (enrolled in %.1f s, connected in %.1f s, connect backlog worked off %.1f s later),"
                            + " status every %s, controller JVM flags %s (%s before, %s after)%n",
                    r.boxes(), r.enrollSeconds(), r.connectSeconds(), r.settledSeconds(), intervalS > 0 ? intervalS + " s" : "- (quiet)",
                    options.controllerJvmArgs(), before, load());
            for (RolloutBenchmark.Run run : r.runs()) {
                System.out.printf("  %-34s waves %-16s %s: POST answered in %5.0f ms, all applied after %6.0f ms; state %s, applied %d,"
                                + " acks %d, version mismatches %d; CPU %% of a core: controller %.0f, simulator %.0f; load %.2f%n"
                                + "      first box acked after %.0f ms, last after %.0f ms (simulator); slowest state poll %.0f ms%n"
                                + "      controller threads, CPU: %s%n",
                        run.profile(), run.waves() + " " + run.waveSizes(), run.id(), run.postMs(), run.allAppliedMs(), run.state(),
                        run.applied(), run.acks(), run.versionMismatches(), run.cpuPct(), run.benchCpuPct(), run.loadAfter(),
                        run.firstAckMs(), run.allAcksMs(), run.slowestPollMs(), String.join(", ", run.controllerThreads()));
            }
            System.out.printf("  controller RSS %.0f MB; publish failures %d, connections lost %d; lossless=%s%n",
                    r.rssMb(), r.publishFailures(), r.connectionsLost(), r.lossless());
            return r.lossless() ? 0 : 1;
        }
    }

    @Command(name = "rollout-engine", mixinStandardHelpOptions = true,
            description = "The rollout engine alone (planner, runner, signing, SQLite; no broker): POST and all applied for a "
                    + "province-size fleet whose boxes report applied at once; one wave, then [1, 10%%, 100%%].")
    static final class RolloutEngine implements Callable<Integer> {
        @Option(names = "--boxes", defaultValue = "100000", description = "fleet size (default: ${DEFAULT-VALUE})")
        int boxes;
        @Option(names = "--schools", defaultValue = "1000", description = "schools the boxes are spread over (default: ${DEFAULT-VALUE})")
        int schools;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/rollout-engine", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            String before = load();
            RolloutEngineBenchmark.Result r = RolloutEngineBenchmark.run(boxes, schools, workDir);
            System.out.printf("rollout-engine: %d boxes in %d schools, SQLite %.0f MB after both rollouts (%s before, %s after)%n",
                    r.boxes(), r.schools(), r.dbBytes() / 1e6, before, load());
            boolean ok = true;
            for (RolloutEngineBenchmark.Run run : r.runs()) {
                System.out.printf("  waves %-16s %s: POST answered in %6.0f ms, all applied after %7.0f ms; state %s, applied %d,"
                                + " documents published %d; rollouts thread %.1f s of CPU%n",
                        run.waves(), run.waveSizes(), run.postMs(), run.allAppliedMs(), run.state(), run.applied(), run.published(),
                        run.rolloutsThreadCpuS());
                ok &= run.state().equals("completed") && run.applied() == r.boxes();
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "timetable-import", mixinStandardHelpOptions = true,
            description = "A large CSV timetable imported into a controller process with a small heap: time and peak heap.")
    static final class TimetableImport implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "10000", description = "weekly rows in the file (default: ${DEFAULT-VALUE})")
        int rows;
        @Option(names = "--controller-jvm-args", split = " ", defaultValue = "-Xmx256m",
                description = "JVM flags of the controller process (default: ${DEFAULT-VALUE})")
        List<String> controllerJvmArgs;
        @Option(names = "--quick", description = "1,000 rows: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/timetable-import", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            TimetableImportBenchmark.Options options = new TimetableImportBenchmark.Options(quick ? 1_000 : rows,
                    controllerJvmArgs, workDir);
            String before = load();
            TimetableImportBenchmark.Result r = TimetableImportBenchmark.run(options);
            System.out.printf("timetable-import: %d weekly rows (%d KB CSV, %d classrooms, term 2026-09-01..2027-01-15),"
                            + " controller JVM flags %s (%s before, %s after)%n",
                    r.rows(), r.fileKb(), r.classrooms(), options.controllerJvmArgs(), before, load());
            boolean ok = r.healthyAfter();
            for (TimetableImportBenchmark.Phase p : r.phases()) {
                System.out.printf("  %-38s HTTP %d in %6.2f s; heap peak %4d MB, after last GC %4d MB (%d GCs); %s%n",
                        p.name(), p.status(), p.seconds(), p.heapPeakMb(), p.heapAfterMb(), p.gcs(), p.answer());
                ok &= p.status() == 200 || p.status() == 422;
            }
            System.out.printf("  sessions stored %d; /health after: %s%n", r.sessionsStored(), r.healthyAfter() ? "200" : "NOT 200");
            return ok ? 0 : 1;
        }
    }

    @Command(name = "agent-footprint", mixinStandardHelpOptions = true,
            description = "RSS and CPU of one real agent JVM (simulated probes) at steady state.")
    static final class AgentFootprint implements Callable<Integer> {
        @Option(names = "--agent-jar", defaultValue = "agent/target/syncready-agent.jar", description = "(default: ${DEFAULT-VALUE})")
        Path agentJar;
        @Option(names = "--agent-jvm-args", split = " ", description = "JVM flags of the agent (default: the small-footprint flags of agent.example.yaml)")
        List<String> agentJvmArgs = AgentFootprintBenchmark.SMALL_FLAGS;
        @Option(names = "--interval", defaultValue = "10", description = "status interval, s (default: ${DEFAULT-VALUE})")
        int intervalS;
        @Option(names = "--settle", defaultValue = "30", description = "seconds after the first status before measuring (default: ${DEFAULT-VALUE})")
        int settleS;
        @Option(names = "--window", defaultValue = "60", description = "measured seconds (default: ${DEFAULT-VALUE})")
        int windowS;
        @Option(names = "--quick", description = "2 s interval, 2 s settle, 6 s window: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/agent-footprint", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            AgentFootprintBenchmark.Options options = quick
                    ? new AgentFootprintBenchmark.Options(agentJar, agentJvmArgs, 2, Duration.ofSeconds(2), Duration.ofSeconds(6), workDir)
                    : new AgentFootprintBenchmark.Options(agentJar, agentJvmArgs, intervalS, Duration.ofSeconds(settleS),
                            Duration.ofSeconds(windowS), workDir);
            String before = load();
            AgentFootprintBenchmark.Result r = AgentFootprintBenchmark.run(options);
            System.out.printf("agent-footprint: one agent, simulated probes, status every %d s, JVM flags %s (%s before, %s after)%n",
                    options.statusIntervalS(), options.agentJvmArgs(), before, load());
            System.out.printf("  RSS %.0f MB (max %.0f MB in the window), CPU %.2f %% of a core over %d s, %d statuses reached the API%n",
                    r.rssMb(), r.maxRssMb(), r.cpuPct(), options.window().toSeconds(), r.statusesSeen());
            return r.statusesSeen() > 1 ? 0 : 1;
        }
    }

    @Command(name = "readiness-sweep", mixinStandardHelpOptions = true,
            description = "Readiness sweeps from memory (all sessions; the live full and coalesced passes), in thread CPU and wall time.")
    static final class ReadinessSweep implements Callable<Integer> {
        @Option(names = "--sessions", defaultValue = "10000", description = "sessions of 4 classrooms over 10,000 boxes (default: ${DEFAULT-VALUE})")
        int sessions;
        @Option(names = "--ops", defaultValue = "40", description = "measured full passes, after as many warm-up ones (default: ${DEFAULT-VALUE})")
        int ops;
        @Option(names = "--quick", description = "1,000 sessions, 5 passes: a smoke test under 30 s")
        boolean quick;

        @Override
        public Integer call() throws Exception {
            String before = load();
            int n = quick ? 1_000 : sessions;
            int fullOps = quick ? 5 : ops;
            List<org.syncready.bench.micro.SweepCpuTime.Figures> figures = org.syncready.bench.micro.SweepCpuTime.run(n,
                    quick ? List.of(0.1) : List.of(0.0, 0.1), fullOps, fullOps * 5);
            System.out.printf("readiness-sweep: %d sessions x 4 classrooms, 10,000 boxes in memory (%s before, %s after)%n", n, before, load());
            for (org.syncready.bench.micro.SweepCpuTime.Figures f : figures) {
                System.out.printf("  %-36s faults %3.0f %%: CPU median %6.1f ms (p90 %6.1f), wall median %6.1f ms (p90 %6.1f), %d passes%n",
                        f.operation(), f.faultShare() * 100, f.cpuMedianMs(), f.cpuP90Ms(), f.wallMedianMs(), f.wallP90Ms(), f.ops());
            }
            return figures.isEmpty() ? 1 : 0;
        }
    }

    @Command(name = "jfr-top", mixinStandardHelpOptions = true,
            description = "Where the time goes in a JFR recording: execution samples by thread group and by top frame.")
    static final class JfrTop implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "FILE", description = "a .jfr file (e.g. from ingest --jfr)")
        Path file;
        @Option(names = "--top", defaultValue = "25", description = "rows per table (default: ${DEFAULT-VALUE})")
        int top;
        @Option(names = "--thread", paramLabel = "REGEX", description = "only samples of threads whose name matches (e.g. single-writer)")
        String thread;
        @Option(names = "--package", defaultValue = "org.syncready.",
                description = "the last table groups by the innermost frame of this package (default: ${DEFAULT-VALUE})")
        String packagePrefix;

        @Override
        public Integer call() throws Exception {
            JfrProfile.print(file, top, thread == null ? null : java.util.regex.Pattern.compile(thread), packagePrefix, System.out);
            return 0;
        }
    }
}
