package org.syncready.bench.micro;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.syncready.controller.account.PasswordHasher;

/**
 * One password check of a login (issue 13): Argon2id at the controller's cost (19 MiB, 2 passes, 1
 * lane), BouncyCastle's implementation, one thread. What a login costs before any HTTP; the whole
 * request is measured by {@code bench/login-latency.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PasswordCheckBenchmark {
    private PasswordHasher hasher;
    private String stored;

    @Setup
    public void setUp() {
        hasher = new PasswordHasher(PasswordHasher.Cost.DEFAULT);
        stored = hasher.hash("correct horse battery");
    }

    @Benchmark
    public boolean verify() {
        return hasher.verify("correct horse battery", stored);
    }
}
