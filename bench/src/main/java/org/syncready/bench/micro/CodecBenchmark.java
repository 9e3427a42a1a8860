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
import org.syncready.bench.sim.StatusFactory;
import org.syncready.protocol.Channel;
import org.syncready.protocol.Message;
import org.syncready.protocol.MessageCodec;
import org.syncready.protocol.ProtocolException;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.Topics;

/** Decode (with validation) and encode of one ~1.5 KB status, as ingest and agents do per message. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    private MessageCodec codec;
    private StatusMessage status;
    private byte[] payload;
    private String topic;

    @Setup
    public void setUp() {
        codec = new MessageCodec();
        status = StatusFactory.status("sim-00042", "3f2b9c1e-7d4a-4f0e-9b8e-2c6a5d1f0e47", 1772407810000L, 57, 10, false);
        payload = codec.encode(status);
        topic = Topics.of("sim-00042", Channel.STATUS);
    }

    @Benchmark
    public Message decodeStatus() throws ProtocolException {
        return codec.decode(topic, payload);
    }

    @Benchmark
    public byte[] encodeStatus() {
        return codec.encode(status);
    }
}
