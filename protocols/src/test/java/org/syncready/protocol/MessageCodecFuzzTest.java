package org.syncready.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the MQTT payload decoder (docs/FUZZING.md). Whatever arrives on a box
 * topic, the codec either refuses it with a {@link ProtocolException} or returns a message that
 * survives its own round trip: encoding it and decoding that again gives the same message (what the
 * controller re-encodes for its API must be what it accepted). Any other exception is a finding.
 *
 * <p>Under plain {@code mvn test} this runs the seeds in
 * {@code src/test/resources/org/syncready/protocol/MessageCodecFuzzTestInputs/} (regression mode).
 */
class MessageCodecFuzzTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Channel[] CHANNELS = Channel.values();
    /** Executions and the time since the first, printed after the run (libFuzzer's own figures go to native stderr). */
    private static final AtomicLong RUNS = new AtomicLong();
    private static volatile long firstRunNanos;

    @AfterAll
    static void report() {
        double seconds = (System.nanoTime() - firstRunNanos) / 1e9;
        System.out.printf("fuzz MessageCodecFuzzTest: %d executions in %.1f s (%.0f/s)%n", RUNS.get(), seconds, RUNS.get() / seconds);
    }

    /**
     * The first byte picks the channel ('0' state, '1' birth, '2' status, '3' config/desired,
     * '4' config/reported, '5' cmd/request, '6' cmd/response; other bytes wrap around); the rest is the payload.
     */
    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"\"v\":1", "\"boxId\":\"box-1\"", "\"ts\":1700000000000", "\"bootId\":\"b\"", "\"seq\":",
            "\"intervalS\":", "\"cameras\":[", "\"microphones\":[", "\"network\":{", "\"system\":{}", "\"stream\":",
            "\"state\":\"ok\"", "\"role\":\"teacher\"", "\"kind\":\"usb\"", "\"link\":\"up\"", "\"targets\":[",
            "\"version\":", "\"result\":\"applied\"", "\"ok\":true", "\"id\":", "\"error\":", "\"body\":{}", "1e400", "-0"})
    void decodeRefusesOrRoundTrips(byte[] input) throws ProtocolException {
        if (RUNS.getAndIncrement() == 0) {
            firstRunNanos = System.nanoTime();
        }
        if (input.length == 0) {
            return;
        }
        Channel channel = CHANNELS[Math.floorMod(input[0] - '0', CHANNELS.length)];
        String topic = Topics.of("box-1", channel);
        byte[] payload = Arrays.copyOfRange(input, 1, input.length);
        Message message;
        try {
            message = CODEC.decode(topic, payload);
        } catch (ProtocolException refused) {
            assertNotNull(refused.reason());
            assertNotNull(refused.getMessage());
            return;
        }
        Message again = CODEC.decode(topic, CODEC.encode(message));
        assertEquals(message, again, "round trip of " + channel.suffix());
    }
}
