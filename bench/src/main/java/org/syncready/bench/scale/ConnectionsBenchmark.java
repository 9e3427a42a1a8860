package org.syncready.bench.scale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.syncready.bench.scratch.ScratchFolder;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.syncready.bench.sim.FleetSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boxes connected and reporting every {@code intervalS}, in steps (e.g. 10,000 then more): per step
 * the status-to-API latency of a sample of boxes, and the controller's RSS and CPU.
 */
public final class ConnectionsBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ConnectionsBenchmark.class);

    public record Options(List<Integer> steps, int intervalS, Duration warmup, Duration window, int trackedBoxes,
                          Path workDir, List<String> controllerJvmArgs) {
    }

    /** One step's figures; {@code cpuPct} is of one core, averaged over the window. */
    public record Step(int boxes, int connected, double enrollSeconds, double connectSeconds, ApiWatcher.Summary latency,
                       double rssMb, double cpuPct, long statusSent, long publishFailures, long connectionsLost, double load) {
    }

    private ConnectionsBenchmark() {
    }

    public static List<Step> run(Options o) throws Exception {
        List<Step> steps = new ArrayList<>();
        int maxBoxes = o.steps().stream().mapToInt(Integer::intValue).max().orElse(0);
        int trackEvery = Math.max(1, maxBoxes / Math.max(1, o.trackedBoxes()));
        ScratchFolder.clear(o.workDir());
        try (ControllerProcess controller = ControllerProcess.start(o.workDir().resolve("controller"), o.controllerJvmArgs());
             ApiWatcher watcher = new ApiWatcher("127.0.0.1", controller.httpPort(), controller.token());
             FleetSimulator sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort())
                     .withStatusIntervalS(o.intervalS()))) {
            sim.addListener((boxId, seq, ts, fault) -> {
                if (Integer.parseInt(boxId.substring(4)) % trackEvery == 0) {
                    watcher.track(boxId, ts, box -> ApiWatcher.statusSeq(box) >= seq);
                }
            });
            FleetEnrollment enrollment = new FleetEnrollment("127.0.0.1", controller.httpPort(), controller.token());
            for (int target : o.steps()) {
                int from = sim.size();
                if (target <= from) {
                    continue;
                }
                long t0 = System.nanoTime();
                List<BoxCredentials> credentials = enrollment.enroll(from, target - from);
                double enrollS = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                int connected = sim.connect(credentials, Duration.ofMinutes(3));
                double connectS = (System.nanoTime() - t1) / 1e9;
                sim.startReporting(o.intervalS() * 1000L);
                log.info("step {}: enrolled in {} s, connected {} in {} s; warming up {}", target, "%.1f".formatted(enrollS),
                        connected, "%.1f".formatted(connectS), o.warmup());
                Thread.sleep(o.warmup().toMillis());
                watcher.reset();
                long sent0 = sim.counters().statusSent();
                long cpu0 = controller.cpu().toNanos();
                long w0 = System.nanoTime();
                Thread.sleep(o.window().toMillis());
                double cpuPct = 100.0 * (controller.cpu().toNanos() - cpu0) / (System.nanoTime() - w0);
                double rss = controller.rssMb();
                long sent = sim.counters().statusSent() - sent0;
                double load = ProcessStats.loadAverage();
                watcher.awaitIdle(Duration.ofSeconds(5));
                Step step = new Step(target, (int) sim.counters().connected(), enrollS, connectS, watcher.summary(), rss, cpuPct,
                        sent, sim.counters().publishFailures(), sim.counters().connectionsLost(), load);
                log.info("step {}: {}", target, step);
                steps.add(step);
                if (connected < credentials.size()) {
                    log.warn("step {}: only {} of {} new boxes connected; stopping here", target, connected, credentials.size());
                    break;
                }
            }
            sim.stopReporting();
        }
        return steps;
    }

}
