package org.syncready.agent.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProbeRunnerTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ProbeRunner.class);
    private final AtomicBoolean release = new AtomicBoolean();
    private final ProbeRunner runner = new ProbeRunner("box-t", Duration.ofMillis(200));

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void cleanUp() {
        release.set(true);
        logger.detachAppender(logs);
        runner.close();
    }

    @Test
    void aHungProbeDoesNotDelayTheOthersAndIsReportedOnce() {
        AtomicInteger fastCalls = new AtomicInteger();
        AtomicInteger hungCalls = new AtomicInteger();
        ProbeRunner.Slot<Integer> fast = runner.add(probe("fast", fastCalls::incrementAndGet));
        // Answers once, then hangs, ignoring interrupts, until released.
        ProbeRunner.Slot<String> hung = runner.add(probe("hung", () -> {
            if (hungCalls.incrementAndGet() > 1) {
                while (!release.get()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ignored) {
                        // A badly behaved probe: keeps hanging.
                    }
                }
            }
            return "reading " + hungCalls.get();
        }));

        runner.runAll();
        assertEquals("reading 1", hung.last().value());
        assertTrue(hung.last().ok());

        long t0 = System.nanoTime();
        runner.runAll();
        long firstHungRoundMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(firstHungRoundMs < 1_000, "the round waits about the timeout, not forever: " + firstHungRoundMs);
        assertEquals(2, fast.last().value());
        assertTrue(fast.last().ok());
        assertFalse(hung.last().ok());
        assertTrue(hung.last().error().contains("timed out after 200 ms"), hung.last().error());
        assertTrue(hung.last().stale());
        assertEquals("reading 1", hung.last().value(), "a timed-out probe yields its last value");

        for (int i = 0; i < 3; i++) {
            t0 = System.nanoTime();
            runner.runAll();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 150, "a probe still stuck from an earlier round is not waited for again: " + ms);
        }
        assertEquals(5, fast.last().value());
        assertTrue(hung.last().error().contains("still running"), hung.last().error());
        assertEquals(2, hungCalls.get(), "a hung probe is not started again while it hangs");
        assertEquals(1, warnings("hung"), "logged once, not every round");

        release.set(true);
        await().atMost(Duration.ofSeconds(2)).until(() -> {
            runner.runAll();
            return hung.last().ok();
        });
        assertEquals("reading 3", hung.last().value());
        assertTrue(logs.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().contains("probe 'hung' answers again")));
    }

    @Test
    void aFailingProbeReportsItsErrorAndKeepsTheLastValue() {
        AtomicInteger calls = new AtomicInteger();
        ProbeRunner.Slot<Integer> flaky = runner.add(probe("flaky", () -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("device busy");
            }
            return 42;
        }));
        runner.runAll();
        runner.runAll();
        runner.runAll();
        assertEquals("failed: device busy", flaky.last().error());
        assertEquals(42, flaky.last().value());
        assertEquals(1, warnings("flaky"));
    }

    @Test
    void aProbeWithoutAnyValueYetReportsNull() {
        ProbeRunner.Slot<Integer> broken = runner.add(probe("broken", () -> {
            throw new java.io.IOException("no such device");
        }));
        runner.runAll();
        assertNull(broken.last().value());
        assertEquals("failed: no such device", broken.last().error());
        assertTrue(logs.list.get(0).getFormattedMessage().contains("box-t: probe 'broken' failed: no such device; reporting no value"));
    }

    private long warnings(String probe) {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("probe '" + probe + "'")).count();
    }

    interface Sampler<T> {
        T sample() throws Exception;
    }

    private static <T> Probe<T> probe(String name, Sampler<T> sampler) {
        return new Probe<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public T sample() throws Exception {
                return sampler.sample();
            }
        };
    }
}
