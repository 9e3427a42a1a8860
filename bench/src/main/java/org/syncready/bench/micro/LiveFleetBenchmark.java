package org.syncready.bench.micro;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.syncready.bench.sim.StatusFactory;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.StatusMessage;

/**
 * {@link LiveFleet#apply} of a status with the next seq, for a fleet of {@code boxes} boxes that each
 * sent a birth first: the in-memory part of ingest (duplicate/gap check, device change events, rows to store).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LiveFleetBenchmark {
    @Param({"10000"})
    public int boxes;

    private LiveFleet fleet;
    private StatusMessage[] templates;
    private String[] json;
    private long[] seqs;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        MessageCodec codec = new MessageCodec();
        fleet = new LiveFleet();
        templates = new StatusMessage[boxes];
        json = new String[boxes];
        seqs = new long[boxes];
        long now = System.currentTimeMillis();
        for (int i = 0; i < boxes; i++) {
            String id = "sim-%05d".formatted(i);
            fleet.apply(StatusFactory.birth(id, "boot-" + i, now, 1, 10, null), "{}", false, now);
            templates[i] = StatusFactory.status(id, "boot-" + i, now, 2, 10, false);
            json[i] = new String(codec.encode(templates[i]), StandardCharsets.UTF_8);
            seqs[i] = 1;
        }
    }

    @Benchmark
    public LiveFleet.Applied applyStatus() {
        int i = next;
        next = (i + 1) % boxes;
        long seq = ++seqs[i];
        return fleet.apply(templates[i].withEnvelope(templates[i].ts() + seq, seq), json[i], false, System.currentTimeMillis());
    }
}
