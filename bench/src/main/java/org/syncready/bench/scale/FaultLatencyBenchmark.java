package org.syncready.bench.scale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.syncready.bench.scratch.ScratchFolder;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.syncready.bench.sim.FleetSimulator;
import org.syncready.bench.sim.StatusFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault to alert latency: in a fleet reporting every 10 s, a camera of one box after another breaks;
 * the box reports the change at once (as the agent does) and the time until
 * {@code GET /api/v1/boxes/{id}} shows that camera as {@code fault} is recorded.
 */
public final class FaultLatencyBenchmark {
    private static final Logger log = LoggerFactory.getLogger(FaultLatencyBenchmark.class);

    public record Options(int boxes, int faults, int faultsPerSecond, Path workDir, List<String> controllerJvmArgs) {
        public Options {
            if (faults > boxes) {
                throw new IllegalArgumentException("at most one fault per box: faults <= boxes");
            }
        }
    }

    public record Result(int boxes, int faults, ApiWatcher.Summary latency, double load) {
    }

    private FaultLatencyBenchmark() {
    }

    public static Result run(Options o) throws Exception {
        ScratchFolder.clear(o.workDir());
        try (ControllerProcess controller = ControllerProcess.start(o.workDir().resolve("controller"), o.controllerJvmArgs());
             ApiWatcher watcher = new ApiWatcher("127.0.0.1", controller.httpPort(), controller.token());
             FleetSimulator sim = FleetSimulator.start(FleetSimulator.Settings.of("127.0.0.1", controller.mqttPort()))) {
            List<BoxCredentials> credentials = new FleetEnrollment("127.0.0.1", controller.httpPort(), controller.token()).enroll(0, o.boxes());
            int connected = sim.connect(credentials, Duration.ofMinutes(2));
            if (connected != o.boxes()) {
                throw new IllegalStateException("only " + connected + " of " + o.boxes() + " boxes connected");
            }
            sim.startReporting(10_000);
            Thread.sleep(2_000);
            long pauseMs = 1000L / Math.max(1, o.faultsPerSecond());
            for (int i = 0; i < o.faults(); i++) {
                // Spread over the fleet so the faulty boxes are not all on one event loop or source address.
                String boxId = credentials.get((int) ((long) i * o.boxes() / o.faults())).boxId();
                long t0 = System.currentTimeMillis();
                sim.setCameraFault(boxId, true);
                watcher.track(boxId, t0, box -> "fault".equals(ApiWatcher.cameraState(box, StatusFactory.FAULT_CAMERA)));
                Thread.sleep(pauseMs);
            }
            watcher.awaitIdle(Duration.ofSeconds(35));
            Result r = new Result(o.boxes(), o.faults(), watcher.summary(), ProcessStats.loadAverage());
            log.info("fault latency: {}", r);
            sim.stopReporting();
            return r;
        }
    }
}
