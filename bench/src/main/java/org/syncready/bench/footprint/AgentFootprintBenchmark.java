package org.syncready.bench.footprint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.syncready.bench.scale.ControllerProcess;
import org.syncready.bench.scale.ProcessStats;
import org.syncready.bench.scratch.ScratchFolder;
import org.syncready.bench.sim.BoxCredentials;
import org.syncready.bench.sim.FleetEnrollment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See the package comment. */
public final class AgentFootprintBenchmark {
    private static final Logger log = LoggerFactory.getLogger(AgentFootprintBenchmark.class);
    /** The small-footprint flags documented in agent/agent.example.yaml. */
    public static final List<String> SMALL_FLAGS = List.of("-Xms8m", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss256k", "-XX:ReservedCodeCacheSize=16m");

    public record Options(Path agentJar, List<String> agentJvmArgs, int statusIntervalS, Duration settle, Duration window, Path workDir) {
    }

    /** RSS at the end of the window and its maximum during it; CPU in % of one core over the window. */
    public record Result(double rssMb, double maxRssMb, double cpuPct, long statusesSeen, double load) {
    }

    private AgentFootprintBenchmark() {
    }

    public static Result run(Options o) throws Exception {
        if (!Files.isRegularFile(o.agentJar())) {
            throw new IOException("agent jar not found at " + o.agentJar().toAbsolutePath() + " (build the agent module first)");
        }
        Path work = o.workDir();
        ScratchFolder.clear(work);
        Files.createDirectories(work.resolve("agent"));
        try (ControllerProcess controller = ControllerProcess.start(work.resolve("controller"), List.of())) {
            BoxCredentials box = new FleetEnrollment("127.0.0.1", controller.httpPort(), controller.token()).enroll(0, 1).get(0);
            Path secret = work.resolve("agent/box.secret");
            Files.writeString(secret, box.password());
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(o.agentJvmArgs());
            command.addAll(List.of("-jar", o.agentJar().toAbsolutePath().toString(), "--box-id", box.boxId(),
                    "--broker", "tcp://127.0.0.1:" + controller.mqttPort(), "--password-file", secret.toAbsolutePath().toString(),
                    "--probes", "simulated", "--status-interval", String.valueOf(o.statusIntervalS()),
                    "--data-dir", work.resolve("agent/data").toAbsolutePath().toString()));
            Process agent = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("agent/agent.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                URI boxUri = URI.create("http://127.0.0.1:" + controller.httpPort() + "/api/v1/boxes/" + box.boxId());
                String token = controller.token();
                long first = awaitStatus(http, boxUri, token, agent, Duration.ofSeconds(60));
                Thread.sleep(o.settle().toMillis());
                long cpu0 = cpu(agent);
                long t0 = System.nanoTime();
                double maxRss = 0;
                long end = t0 + o.window().toNanos();
                while (System.nanoTime() < end) {
                    maxRss = Math.max(maxRss, ProcessStats.rssMb(agent.pid()));
                    Thread.sleep(500);
                }
                double cpuPct = 100.0 * (cpu(agent) - cpu0) / (System.nanoTime() - t0);
                double rss = ProcessStats.rssMb(agent.pid());
                long last = statusSeq(http, boxUri, token);
                if (!agent.isAlive()) {
                    throw new IllegalStateException("agent exited with " + agent.exitValue() + " (see " + work.resolve("agent/agent.log") + ")");
                }
                Result r = new Result(rss, Math.max(rss, maxRss), cpuPct, last - first + 1, ProcessStats.loadAverage());
                log.info("agent footprint: {}", r);
                return r;
            } finally {
                agent.destroy();
                if (!agent.waitFor(15, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
            }
        }
    }

    private static long cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
    }

    private static long awaitStatus(HttpClient http, URI uri, String token, Process agent, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("agent exited with " + agent.exitValue() + " before its first status");
            }
            long seq = statusSeq(http, uri, token);
            if (seq >= 0) {
                return seq;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no status from the agent within " + timeout);
    }

    private static long statusSeq(HttpClient http, URI uri, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return -1;
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("status").path("seq").asLong(-1);
    }

}
