package org.syncready.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.bench.footprint.AgentFootprintBenchmark;
import org.syncready.bench.ingest.IngestBenchmark;
import org.syncready.bench.scale.ConnectionsBenchmark;
import org.syncready.bench.scale.FaultLatencyBenchmark;
import org.syncready.bench.scale.OpcUaBenchmark;
import org.syncready.bench.scale.RolloutBenchmark;
import org.syncready.bench.scale.TimetableImportBenchmark;

/**
 * Runs every benchmark's quick mode once. Asserts only that each ran and lost nothing; speed is
 * measured by the benchmark commands, never asserted here.
 */
class BenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void ingestQuickLosesNothing() throws Exception {
        IngestBenchmark.Result r = IngestBenchmark.run(new IngestBenchmark.Options(100, 10_000, 8, 1, dir, null));
        assertEquals(10_000, r.broker().measured());
        assertEquals(0, r.broker().lost());
        assertEquals(0, r.controller().lost());
        assertEquals(0, r.liveStateMismatches());
        assertTrue(r.controller().delivered() >= 10_000 + 100, "every status is a row in box_status");
        assertTrue(r.ratio() > 0);
    }

    @Test
    void ingestOverTlsLosesNothing() throws Exception {
        IngestBenchmark.Result r = IngestBenchmark.run(new IngestBenchmark.Options(50, 2_000, 8, 1, dir.resolve("tls"), null, true));
        assertEquals(2_000, r.tls().measured());
        assertEquals(0, r.tls().lost());
        assertTrue(r.tls().delivered() >= 2_000 + 50, "every status sent over TLS is a row in box_status");
        assertTrue(r.lossless(), r.toString());
        assertTrue(r.tlsRatio() > 0);
    }

    @Test
    void connectionsQuickSeesEveryTrackedStatusInTheApi() throws Exception {
        List<ConnectionsBenchmark.Step> steps = ConnectionsBenchmark.run(new ConnectionsBenchmark.Options(List.of(200), 2,
                Duration.ofSeconds(3), Duration.ofSeconds(6), 50, dir.resolve("connections"), List.of()));
        assertEquals(1, steps.size());
        ConnectionsBenchmark.Step s = steps.get(0);
        assertEquals(200, s.connected());
        assertTrue(s.latency().samples() > 0);
        assertEquals(0, s.latency().missed());
        assertEquals(0, s.latency().unfinished(), "every status sent in the window was waited for");
        assertTrue(!s.latency().slices().isEmpty(), "figures per 10 s slice");
        assertEquals(s.latency().samples(), s.latency().slices().stream().mapToInt(x -> x.latency().samples()).sum());
        assertTrue(s.latency().toController().samples() > 0, "split at the controller's receive time");
        assertTrue(s.settledSeconds() > 0, "200 boxes settle well within the limit: " + s.settledSeconds());
        assertTrue(s.rssMb() > 0);
    }

    @Test
    void faultLatencyQuickSeesEveryFault() throws Exception {
        FaultLatencyBenchmark.Result r = FaultLatencyBenchmark.run(new FaultLatencyBenchmark.Options(100, 40, 20,
                dir.resolve("faults"), List.of()));
        assertEquals(40, r.latency().samples());
        assertEquals(0, r.latency().missed());
    }

    @Test
    void rolloutQuickReachesEveryBoxWithTheVersionSent() throws Exception {
        RolloutBenchmark.Result r = RolloutBenchmark.run(new RolloutBenchmark.Options(100, 10, dir.resolve("rollout"), List.of(), null));
        assertEquals(2, r.runs().size(), "one wave, then the default waves");
        assertEquals(List.of(100), r.runs().get(0).waveSizes());
        assertEquals(List.of(1, 10, 89), r.runs().get(1).waveSizes());
        for (RolloutBenchmark.Run run : r.runs()) {
            assertEquals("completed", run.state(), run.toString());
            assertEquals(100, run.applied());
            assertEquals(100, run.acks(), "one config/reported per box and rollout");
            assertEquals(0, run.versionMismatches());
            assertTrue(run.allAppliedMs() >= run.postMs());
            assertTrue(run.firstAckMs() <= run.allAcksMs(), "the simulator saw its first and its last ack: " + run);
            assertTrue(run.slowestPollMs() > 0);
        }
        assertTrue(r.settledSeconds() >= 0, "the connect burst was worked off before the first rollout");
        assertTrue(r.lossless());
    }

    @Test
    void rolloutEngineQuickCompletesBothRolloutsOnEveryBox() throws Exception {
        org.syncready.bench.scale.RolloutEngineBenchmark.Result r =
                org.syncready.bench.scale.RolloutEngineBenchmark.run(2_500, 10, dir.resolve("rollout-engine"));
        assertEquals(2, r.runs().size());
        assertEquals(List.of(1, 250, 2_249), r.runs().get(1).waveSizes());
        for (org.syncready.bench.scale.RolloutEngineBenchmark.Run run : r.runs()) {
            assertEquals("completed", run.state(), run.toString());
            assertEquals(2_500, run.applied());
            assertEquals(2_500, run.published(), "each box is sent its document once, in chunks of 1,000");
            assertTrue(run.postMs() > 0 && run.allAppliedMs() >= run.postMs(), run.toString());
        }
        assertTrue(r.dbBytes() > 0);
    }

    @Test
    void readinessSweepQuickTimesEveryPass() throws Exception {
        List<org.syncready.bench.micro.SweepCpuTime.Figures> f = org.syncready.bench.micro.SweepCpuTime.run(200, List.of(0.1), 3, 5);
        assertEquals(3, f.size());
        f.forEach(x -> assertTrue(x.cpuMedianMs() > 0 && x.wallMedianMs() > 0, x.toString()));
    }

    @Test
    void timetableImportQuickImportsEveryRowAndStaysHealthy() throws Exception {
        TimetableImportBenchmark.Result r = TimetableImportBenchmark.run(new TimetableImportBenchmark.Options(1_000,
                List.of("-Xmx256m"), dir.resolve("timetable")));
        assertEquals(4, r.phases().size());
        assertEquals(List.of(200, 200, 200, 422), r.phases().stream().map(TimetableImportBenchmark.Phase::status).toList());
        assertTrue(r.phases().get(3).answer().contains("errorCount 999, listed 100"), r.phases().get(3).answer());
        assertTrue(r.sessionsStored() > 1_000, "every weekly row over the term: " + r.sessionsStored());
        assertTrue(r.healthyAfter());
    }

    @Test
    void opcuaQuickSubscribesToEveryBoxAndSeesEveryFault() throws Exception {
        OpcUaBenchmark.Result r = OpcUaBenchmark.run(new OpcUaBenchmark.Options(100, 2, Duration.ofSeconds(3), Duration.ofSeconds(3), 3,
                dir.resolve("opcua"), List.of(), false));
        assertEquals(100, r.monitoredItems());
        assertEquals(3, r.faultLatenciesMs().size());
        assertTrue(r.faultLatenciesMs().stream().allMatch(ms -> ms >= 0), "every fault reached the OPC UA client: " + r.faultLatenciesMs());
        assertTrue(r.nodesPerBox() > 50, "a box's subtree: " + r.nodesPerBox());
    }

    @Test
    void agentFootprintQuickRunsTheRealAgent() throws Exception {
        Path jar = Path.of("..", "agent", "target", "syncready-agent.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "agent jar not built (module run alone)");
        AgentFootprintBenchmark.Result r = AgentFootprintBenchmark.run(new AgentFootprintBenchmark.Options(jar,
                AgentFootprintBenchmark.SMALL_FLAGS, 2, Duration.ofSeconds(2), Duration.ofSeconds(6), dir.resolve("agent")));
        assertTrue(r.statusesSeen() > 1, "the agent kept reporting: " + r);
        assertTrue(r.rssMb() > 0);
    }
}
