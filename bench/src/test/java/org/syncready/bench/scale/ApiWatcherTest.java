package org.syncready.bench.scale;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watcher against a stand-in of {@code GET /api/v1/boxes/{id}} whose answers the test sets: what
 * counts in the window is what was sent in it, however late it shows (a status of the warm-up that
 * shows after the window started used to count, and carried the warm-up's backlog into the p99).
 */
class ApiWatcherTest {
    private HttpServer server;
    /** Box id -> the seq the stand-in API shows, and when the controller received it. */
    private final Map<String, long[]> shown = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/boxes/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/api/v1/boxes/".length());
            long[] s = shown.get(id);
            boolean authorized = "Bearer t0ken".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            String body = s == null ? "{}" : "{\"id\":\"%s\",\"status\":{\"seq\":%d},\"statusReceivedAt\":\"%s\"}"
                    .formatted(id, s[0], Instant.ofEpochMilli(s[1]));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authorized ? 200 : 401, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ApiWatcher watcher() {
        return new ApiWatcher("127.0.0.1", server.getAddress().getPort(), "t0ken");
    }

    @Test
    void countsWhatWasSentInTheWindowHoweverLateItShowsAndNothingSentBefore() throws Exception {
        try (ApiWatcher w = watcher()) {
            long now = System.currentTimeMillis();
            // Sent during the warm-up, 8 s ago, still not in the API when the window starts.
            w.track("box-1", now - 8_000, box -> ApiWatcher.statusSeq(box) >= 1);
            w.startWindow();
            long sentInWindow = System.currentTimeMillis();
            w.track("box-2", sentInWindow, box -> ApiWatcher.statusSeq(box) >= 1);
            Thread.sleep(50);
            w.endWindow();
            // Both show only now: the warm-up's status must not count, the window's must, though it is late.
            long received = System.currentTimeMillis();
            shown.put("box-1", new long[] {1, received});
            shown.put("box-2", new long[] {1, received});
            w.awaitIdle(Duration.ofSeconds(10));

            ApiWatcher.Summary s = w.summary();
            assertEquals(1, s.samples(), "only what was sent in the window: " + s);
            assertEquals(0, s.unfinished());
            assertTrue(s.max() >= 50 && s.max() < 5_000, "box-2's own latency, not box-1's 8 s: " + s);
            assertEquals(1, s.slices().size());
            assertEquals(0, s.slices().get(0).startS());
            assertTrue(s.toController().max() >= 50, "sent -> received at the controller: " + s.toController());
            assertTrue(s.inController().max() < 5_000, "received -> seen in the API: " + s.inController());

            ApiWatcher.Summary warmup = w.summary(now - 10_000, sentInWindow);
            assertEquals(1, warmup.samples());
            assertTrue(warmup.max() >= 8_000, "the warm-up's figure keeps the backlog: " + warmup);
        }
    }

    @Test
    void slicesShowAStallThatTheWholeWindowsFiguresHide() {
        long start = 1_000_000;
        java.util.List<ApiWatcher.Sample> samples = new java.util.ArrayList<>();
        // 40 s, 20 statuses a second, 15 ms each; in the second 10 s, 1 in 20 waited 7 s (a stall the whole window's p50 hides).
        for (int i = 0; i < 800; i++) {
            long sentAt = start + i * 50L;
            boolean stalled = sentAt - start >= 10_000 && sentAt - start < 20_000 && i % 20 == 0;
            long latency = stalled ? 7_000 : 15;
            samples.add(new ApiWatcher.Sample(sentAt, latency, latency - 5));
        }
        ApiWatcher.Summary s = ApiWatcher.summarize(samples, 0, 0, start);
        assertEquals(800, s.samples());
        assertEquals(15, s.p50());
        assertEquals(4, s.slices().size());
        assertEquals(java.util.List.of(0L, 10L, 20L, 30L), s.slices().stream().map(ApiWatcher.Slice::startS).toList());
        assertEquals(7_000, s.slices().get(1).latency().p99(), s.detail());
        assertEquals(7_000, s.slices().get(1).latency().max());
        assertEquals(15, s.slices().get(0).latency().max());
        assertEquals(7_000, s.worstSliceP99());
        assertEquals(6_995, s.toController().max(), "sent -> received is where the stall was");
        assertEquals(5, s.inController().max(), "received -> API stayed quick");
    }

    @Test
    void settledOnlyOnceNothingOldIsPendingAndRecentStatusesShowedQuickly() throws Exception {
        try (ApiWatcher w = watcher()) {
            long now = System.currentTimeMillis();
            w.track("box-1", now - 3_000, box -> ApiWatcher.statusSeq(box) >= 1);
            Thread.sleep(100);
            assertFalse(w.settled(1_000, 5_000), "a status sent 3 s ago is still pending");
            shown.put("box-1", new long[] {1, now});
            await().atMost(Duration.ofSeconds(5)).until(() -> w.summary(Long.MIN_VALUE, Long.MAX_VALUE).samples() == 1);
            assertFalse(w.settled(1_000, 5_000), "it showed 3 s late");
            shown.put("box-2", new long[] {1, now});
            w.track("box-2", System.currentTimeMillis(), box -> ApiWatcher.statusSeq(box) >= 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> w.summary(Long.MIN_VALUE, Long.MAX_VALUE).samples() == 2);
            Thread.sleep(300);
            assertFalse(w.settled(200, 5_000), "the late box-1 is still among the last 5 s");
            assertTrue(w.settled(200, 2_000), "the last 2 s (box-2 only) showed within 200 ms");
        }
    }

    @Test
    void pollsLessOftenTheLongerAnItemIsPending() {
        assertEquals(ApiWatcher.POLL_MS, ApiWatcher.pollDelayMs(0));
        assertEquals(ApiWatcher.POLL_MS, ApiWatcher.pollDelayMs(150));
        assertEquals(50, ApiWatcher.pollDelayMs(1_000));
        assertEquals(ApiWatcher.MAX_POLL_MS, ApiWatcher.pollDelayMs(20_000));
    }
}
