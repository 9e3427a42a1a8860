package org.syncready.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    private static final byte[] KB = new byte[1024];

    @TempDir
    Path dir;
    private Instant now = Instant.parse("2026-03-02T08:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    private static byte[] json(long seq) {
        return ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsMessagesInOrderUntilRemovedAndAcrossAReopen() throws Exception {
        Path file = dir.resolve("outbox/box-1.db");
        try (Outbox outbox = Outbox.open(file, Outbox.Limits.DEFAULT, clock)) {
            long a = outbox.append("t/status", true, json(1), null, "boot-a", 1);
            long b = outbox.append("t/cmd/response", false, json(2), new byte[] {1, 2, 3}, "boot-a", 2);
            long c = outbox.append("t/status", false, json(3), null, "boot-a", 3);
            assertTrue(a < b && b < c);
            assertEquals(3, outbox.count());
            outbox.remove(List.of(b));
            assertEquals(2, outbox.count());
        }
        // Reopened, as after a restart or a power cut: what was appended is there, in order.
        try (Outbox outbox = Outbox.open(file, Outbox.Limits.DEFAULT, clock)) {
            List<Outbox.Entry> all = outbox.after(0, 10);
            assertEquals(List.of(1L, 3L), all.stream().map(Outbox.Entry::seq).toList());
            Outbox.Entry first = all.get(0);
            assertEquals("t/status", first.topic());
            assertTrue(first.retained());
            assertEquals("boot-a", first.bootId());
            assertArrayEquals(json(1), first.payload());
            assertNull(first.correlationData());
            assertEquals(now.toEpochMilli(), first.createdAt());
            assertEquals(List.of(3L), outbox.after(first.id(), 10).stream().map(Outbox.Entry::seq).toList());
            assertEquals(json(1).length + json(3).length, outbox.bytes());
            long d = outbox.append("t/status", false, json(4), null, "boot-b", 1);
            assertTrue(d > all.get(1).id(), "ids keep growing after a restart: they are the publishing order");
        }
    }

    @Test
    void keepsTheCorrelationDataOfACommandResponse() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("o.db"), Outbox.Limits.DEFAULT, clock)) {
            outbox.append("t/cmd/response", false, json(2), new byte[] {9, 8, 7}, "boot-a", 2);
            assertArrayEquals(new byte[] {9, 8, 7}, outbox.after(0, 1).get(0).correlationData());
        }
    }

    @Test
    void dropsTheOldestBeyondTheByteLimitAndCountsThemForGood() throws Exception {
        Path file = dir.resolve("o.db");
        Outbox.Limits limits = new Outbox.Limits(100 * 1024, Duration.ofDays(7));
        try (Outbox outbox = Outbox.open(file, limits, clock)) {
            for (long seq = 1; seq <= 150; seq++) {
                outbox.append("t/status", false, KB, null, "boot-a", seq);
            }
            assertEquals(100, outbox.count());
            assertEquals(100 * 1024, outbox.bytes());
            assertEquals(50, outbox.dropped());
            assertEquals(51, outbox.after(0, 1).get(0).seq(), "the oldest went first");
        }
        try (Outbox outbox = Outbox.open(file, limits, clock)) {
            assertEquals(50, outbox.dropped(), "the count survives a restart");
            assertEquals(100, outbox.count());
        }
    }

    @Test
    void dropsWhatIsOlderThanTheAgeLimit() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("o.db"), new Outbox.Limits(1024 * 1024, Duration.ofHours(1)), clock)) {
            outbox.append("t/status", false, json(1), null, "boot-a", 1);
            outbox.append("t/status", false, json(2), null, "boot-a", 2);
            now = now.plus(Duration.ofMinutes(50));
            outbox.append("t/status", false, json(3), null, "boot-a", 3);
            now = now.plus(Duration.ofMinutes(20));
            outbox.append("t/status", false, json(4), null, "boot-a", 4);
            assertEquals(List.of(3L, 4L), outbox.after(0, 10).stream().map(Outbox.Entry::seq).toList());
            assertEquals(2, outbox.dropped());
        }
    }

    @Test
    void aFileThatIsNotAnOutboxIsAClearError() throws Exception {
        Path file = dir.resolve("broken.db");
        Files.writeString(file, "this is not an SQLite file, but long enough to look like one at first ".repeat(10));
        OutboxException e = assertThrows(OutboxException.class, () -> Outbox.open(file, Outbox.Limits.DEFAULT, clock));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        try (Outbox memory = Outbox.inMemory(Outbox.Limits.DEFAULT, clock)) {
            memory.append("t/status", false, json(1), null, "boot-a", 1);
            assertEquals(1, memory.count());
        }
    }

    @Test
    void limitsBelowOneMessageAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Outbox.Limits(1024, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> new Outbox.Limits(1024 * 1024, Duration.ZERO));
    }
}
