package org.syncready.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Measures when something a box sent becomes visible in the HTTP API: after each {@link #track}
 * it polls {@code GET /api/v1/boxes/{id}} every {@value #POLL_MS} ms until the predicate holds, and
 * records now minus the send time. Only boxes with something pending are polled, so the API load
 * stays small. The figures are an upper bound by up to one poll interval plus one request.
 */
public final class ApiWatcher implements AutoCloseable {
    static final long POLL_MS = 10;
    private static final long GIVE_UP_MS = 30_000;

    /** Latency figures in ms; {@code missed} are items never seen within 30 s. */
    public record Summary(int samples, long missed, double p50, double p99, double max) {
        @Override
        public String toString() {
            return "p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples, %d never seen)".formatted(p50, p99, max, samples, missed);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String base;
    private final ScheduledExecutorService pollers = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "api-watcher");
        t.setDaemon(true);
        return t;
    });
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong missed = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean recording = true;

    private final String token;

    /** @param token an API token that may read the boxes */
    public ApiWatcher(String host, int httpPort, String token) {
        this.base = "http://" + host + ":" + httpPort + "/api/v1/boxes/";
        this.token = token;
    }

    /** Waits until {@code visible} holds for the box's API answer; the latency counts from {@code sentAtMs} (epoch ms). */
    public void track(String boxId, long sentAtMs, Predicate<JsonNode> visible) {
        pending.incrementAndGet();
        boolean counted = recording;
        pollers.execute(() -> poll(boxId, sentAtMs, visible, counted));
    }

    private void poll(String boxId, long sentAtMs, Predicate<JsonNode> visible, boolean counted) {
        long now;
        boolean seen;
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + boxId)).timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            now = System.currentTimeMillis();
            seen = r.statusCode() == 200 && visible.test(mapper.readTree(r.body()));
        } catch (java.io.IOException e) {
            now = System.currentTimeMillis();
            seen = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (seen) {
            if (counted) {
                latencies.add(now - sentAtMs);
            }
            pending.decrementAndGet();
        } else if (now - sentAtMs > GIVE_UP_MS) {
            if (counted) {
                missed.incrementAndGet();
            }
            pending.decrementAndGet();
        } else if (!pollers.isShutdown()) {
            pollers.schedule(() -> poll(boxId, sentAtMs, visible, counted), POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Forgets what was measured so far (e.g. the warm-up). */
    public void reset() {
        latencies.clear();
        missed.set(0);
    }

    /** Stops counting new items (those already pending still finish). */
    public void stopRecording() {
        recording = false;
    }

    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    public Summary summary() {
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return new Summary(0, missed.get(), Double.NaN, Double.NaN, Double.NaN);
        }
        return new Summary(sorted.size(), missed.get(), percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static double percentile(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** The status seq shown by a box's API answer, or -1. */
    public static long statusSeq(JsonNode box) {
        return box.path("status").path("seq").asLong(-1);
    }

    /** The state of one camera in a box's API answer, or "". */
    public static String cameraState(JsonNode box, String cameraId) {
        for (JsonNode c : box.path("status").path("cameras")) {
            if (cameraId.equals(c.path("id").asText())) {
                return c.path("state").asText();
            }
        }
        return "";
    }

    @Override
    public void close() {
        pollers.shutdownNow();
    }
}
