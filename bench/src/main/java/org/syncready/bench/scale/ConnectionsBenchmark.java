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
 * Boxes connected and reporting, in steps (e.g. 10,000 then more): per step the status-to-API latency
 * of a sample of boxes, and the controller's RSS and CPU. Boxes report every {@code intervalS}
 * (periodic, as agents before report by exception), or by exception ({@code byException}): at least
 * every {@code intervalS} (the heartbeat) plus {@code changeSharePerMinute} of the boxes changing per
 * minute, each change reported at once (PROTOCOL.md 5.6).
 */
public final class ConnectionsBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ConnectionsBenchmark.class);

    public record Options(List<Integer> steps, int intervalS, Duration warmup, Duration window, int trackedBoxes,
                          Path workDir, List<String> controllerJvmArgs, boolean byException, double changeSharePerMinute) {
        /** Periodic reporting every {@code intervalS}. */
        public Options(List<Integer> steps, int intervalS, Duration warmup, Duration window, int trackedBoxes,
                       Path workDir, List<String> controllerJvmArgs) {
            this(steps, intervalS, warmup, window, trackedBoxes, workDir, controllerJvmArgs, false, 0);
        }

        public Options {
            if (changeSharePerMinute < 0 || changeSharePerMinute > 1) {
                throw new IllegalArgumentException("changeSharePerMinute must be 0..1, was " + changeSharePerMinute);
            }
        }
    }

    /**
     * One step's figures; {@code cpuPct} is of one core, averaged over the window. {@code settling} is
     * the latency of what the tracked boxes sent from their CONNECT to the window's start: the
     * connect storm (state, birth and a status per box) and the warm-up, i.e. how deep the backlog
     * of a fleet connecting at once is; {@code settledSeconds} how long after the last CONNECT it took
     * to drain (NaN: not within {@link #SETTLE_LIMIT}; the window then measures the backlog).
     */
    public record Step(int boxes, int connected, double enrollSeconds, double connectSeconds, double settledSeconds,
                       ApiWatcher.Summary latency,
                       ApiWatcher.Summary settling, double rssMb, double cpuPct, long statusSent, long publishFailures,
                       long connectionsLost, double load, double liveHeapMb, long changes, double windowSeconds) {
        /** Statuses the whole fleet sent per minute in the window. */
        public double statusesPerMinute() {
            return windowSeconds <= 0 ? 0 : statusSent * 60.0 / windowSeconds;
        }
    }

    /** The window starts once the statuses of the last {@value #SETTLED_SPAN_MS} ms were each seen within {@value #SETTLED_LATENCY_MS} ms. */
    static final long SETTLED_LATENCY_MS = 1_000;
    static final long SETTLED_SPAN_MS = 5_000;
    static final Duration SETTLE_LIMIT = Duration.ofMinutes(3);

    private ConnectionsBenchmark() {
    }

    /**
     * Waits until the controller has worked off the burst of a fleet connecting at once (see
     * {@link ApiWatcher#settled}); returns the seconds since {@code sinceNanos}, or NaN when it did not
     * within {@link #SETTLE_LIMIT}. Without this wait the window measured the tail of that backlog, not
     * the steady state.
     */
    static double awaitSettled(ApiWatcher watcher, long sinceNanos) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        while (!watcher.settled(SETTLED_LATENCY_MS, SETTLED_SPAN_MS)) {
            if (System.nanoTime() > deadline) {
                log.warn("the controller did not catch up within {}; measuring anyway", SETTLE_LIMIT);
                return Double.NaN;
            }
            Thread.sleep(250);
        }
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    public static List<Step> run(Options o) throws Exception {
        List<Step> steps = new ArrayList<>();
        int maxBoxes = o.steps().stream().mapToInt(Integer::intValue).max().orElse(0);
        int trackEvery = Math.max(1, maxBoxes / Math.max(1, o.trackedBoxes()));
        ScratchFolder.clear(o.workDir());
        try (ControllerProcess controller = ControllerProcess.start(o.workDir().resolve("controller"), o.controllerJvmArgs());
             ApiWatcher watcher = new ApiWatcher("127.0.0.1", controller.httpPort(), controller.token());
             FleetSimulator sim = FleetSimulator.start(o.byException()
                     ? FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort()).withHeartbeatS(o.intervalS())
                     : FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort()).withStatusIntervalS(o.intervalS()))) {
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
                long connectStartMs = System.currentTimeMillis();
                int connected = sim.connect(credentials, Duration.ofMinutes(3));
                double connectS = (System.nanoTime() - t1) / 1e9;
                if (o.byException()) {
                    sim.startReportingByException(o.intervalS() * 1000L, o.changeSharePerMinute());
                } else {
                    sim.startReporting(o.intervalS() * 1000L);
                }
                long reporting = System.nanoTime();
                log.info("step {}: enrolled in {} s, connected {} in {} s; warming up {} and until the backlog is gone", target,
                        "%.1f".formatted(enrollS), connected, "%.1f".formatted(connectS), o.warmup());
                Thread.sleep(o.warmup().toMillis());
                double settledS = awaitSettled(watcher, reporting);
                long windowStartMs = System.currentTimeMillis();
                watcher.startWindow();
                long sent0 = sim.counters().statusSent();
                long changes0 = sim.counters().changes();
                long cpu0 = controller.cpu().toNanos();
                long w0 = System.nanoTime();
                Thread.sleep(o.window().toMillis());
                watcher.endWindow();
                double cpuPct = 100.0 * (controller.cpu().toNanos() - cpu0) / (System.nanoTime() - w0);
                double rss = controller.rssMb();
                long sent = sim.counters().statusSent() - sent0;
                long changes = sim.counters().changes() - changes0;
                double windowS = (System.nanoTime() - w0) / 1e9;
                double load = ProcessStats.loadAverage();
                // Everything sent in the window counts, however late it shows (up to the watcher's 30 s give-up).
                watcher.awaitIdle(Duration.ofSeconds(40));
                // After the window (a full GC would disturb it): the live objects, what the boxes cost in the heap.
                double liveHeap = controller.liveHeapMb();
                Step step = new Step(target, (int) sim.counters().connected(), enrollS, connectS, settledS, watcher.summary(),
                        watcher.summary(connectStartMs, windowStartMs), rss, cpuPct,
                        sent, sim.counters().publishFailures(), sim.counters().connectionsLost(), load, liveHeap, changes, windowS);
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
