package org.syncready.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.syncready.bench.ingest.IngestBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point: {@code java -cp 'bench/target/syncready-bench.jar:bench/target/lib/*' org.syncready.bench.BenchMain <benchmark> [--quick]}.
 * Exit code 0 when the benchmark ran and lost nothing, 1 otherwise (a figure below target is not an error).
 */
@Command(name = "syncready-bench", mixinStandardHelpOptions = true,
        subcommands = {BenchMain.Ingest.class},
        description = "SyncReady benchmarks; each prints its figures.")
public final class BenchMain implements Runnable {

    public static void main(String[] args) {
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
        @Option(names = "--quick", description = "100 boxes, 10,000 statuses: a smoke test under 30 s")
        boolean quick;
        @Option(names = "--work-dir", defaultValue = "target/bench-work/ingest", description = "scratch folder (default: ${DEFAULT-VALUE})")
        Path workDir;
        @Option(names = "--jfr", description = "write a JFR recording of the controller phase's measured burst here")
        Path jfr;

        @Override
        public Integer call() throws Exception {
            IngestBenchmark.Options options = quick
                    ? new IngestBenchmark.Options(100, 10_000, window, workDir, jfr)
                    : new IngestBenchmark.Options(boxes, messages, window, workDir, jfr);
            String before = load();
            IngestBenchmark.Result r = IngestBenchmark.run(options);
            System.out.printf("ingest: %d boxes, %d statuses of %d bytes, window %d per box (%s before, %s after)%n",
                    options.boxes(), options.messages(), r.payloadBytes(), options.window(), before, load());
            for (IngestBenchmark.Phase p : new IngestBenchmark.Phase[] {r.broker(), r.controller()}) {
                System.out.printf("  %-36s %9.0f msg/s  (%d in %.2f s, lost %d; %s)%n", p.name(), p.perSecond(), p.sent(),
                        p.seconds(), p.lost(), p.detail());
            }
            System.out.printf("  ratio controller/broker = %.2f (target >= 0.80); lossless=%s%n", r.ratio(), r.lossless());
            return r.lossless() ? 0 : 1;
        }
    }
}
