package org.syncready.bench.micro;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The readiness sweeps of {@link ReadinessSweepBenchmark}, timed in thread CPU time as well as wall
 * time. On a build machine shared with other jobs wall time swings several-fold from one second to
 * the next; the CPU a sweep costs does not (benchmark 3b, docs/BENCHMARKS.md).
 */
public final class SweepCpuTime {
    /** One operation's figures, in ms: medians and 90th percentiles over {@code ops} runs after as many warm-up runs. */
    public record Figures(String operation, double faultShare, int ops, double cpuMedianMs, double cpuP90Ms,
                          double wallMedianMs, double wallP90Ms) {
    }

    private SweepCpuTime() {
    }

    public static List<Figures> run(int sessions, List<Double> faultShares, int fullOps, int coalescedOps) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Figures> out = new ArrayList<>();
        for (double share : faultShares) {
            ReadinessSweepBenchmark b = new ReadinessSweepBenchmark();
            b.sessions = sessions;
            b.faultShare = share;
            b.setUp();
            try {
                out.add(time(mx, "sweep (engine, all sessions)", share, fullOps, b::sweep));
                out.add(time(mx, "live full pass", share, fullOps, b::liveFull));
                out.add(time(mx, "live coalesced pass (500 statuses)", share, coalescedOps, b::liveCoalesced));
            } finally {
                b.tearDown();
            }
        }
        return out;
    }

    private static Figures time(ThreadMXBean mx, String name, double share, int ops, Supplier<Object> op) {
        long[] cpu = new long[ops];
        long[] wall = new long[ops];
        for (int i = 0; i < 2 * ops; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            if (op.get() == null) {
                throw new IllegalStateException(name + " returned nothing");
            }
            if (i >= ops) {
                cpu[i - ops] = mx.getCurrentThreadCpuTime() - c0;
                wall[i - ops] = System.nanoTime() - w0;
            }
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        return new Figures(name, share, ops, cpu[ops / 2] / 1e6, cpu[ops * 9 / 10] / 1e6, wall[ops / 2] / 1e6, wall[ops * 9 / 10] / 1e6);
    }
}
