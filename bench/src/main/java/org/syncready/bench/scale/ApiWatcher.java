package org.syncready.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Measures when something a box sent becomes visible in the HTTP API: after each {@link #track}
 * it polls {@code GET /api/v1/boxes/{id}} every {@value #POLL_MS} ms until the predicate holds, and
 * records now minus the send time. Only boxes with something pending are polled, so the API load
 * stays small; an item pending for longer is polled less often (every 5 % of its age, at most every
 * {@value #MAX_POLL_MS} ms), so a backlog in the controller does not multiply the polls that compete
 * with it for the CPU. The figures are an upper bound by up to one poll interval plus one request.
 *
 * <p>What counts is what was <em>sent</em> inside the measuring window ({@link #startWindow} to
 * {@link #endWindow}), however late it shows: {@link #awaitIdle} waits for those, so a tail longer
 * than the wait after the window is not cut off. Besides the figures over the window the summary
 * has them per {@value #SLICE_MS} ms slice of send time (a stall of a few seconds is 1 % of a 40 s
 * window, i.e. it <em>is</em> the p99 there but hides behind a healthy p50), and splits each latency
 * at the controller's {@code statusReceivedAt}: sent to received (simulator, broker, the
 * controller's MQTT client) and received to seen in the API.
 */
public final class ApiWatcher implements AutoCloseable {
    static final long POLL_MS = 10;
    static final long MAX_POLL_MS = 250;
    static final long SLICE_MS = 10_000;
    private static final long GIVE_UP_MS = 30_000;

    /** One item seen: when it was sent (epoch ms), its latency, and the part until the controller received it (-1: unknown). */
    record Sample(long sentAtMs, long latencyMs, long toControllerMs) {
    }

    /** Latency figures in ms over {@code samples} items. */
    public record Figures(int samples, double p50, double p99, double max) {
        static Figures of(List<Sample> samples, ToLongFunction<Sample> value) {
            List<Long> sorted = new ArrayList<>(samples.size());
            for (Sample s : samples) {
                long v = value.applyAsLong(s);
                if (v >= 0) {
                    sorted.add(v);
                }
            }
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return new Figures(0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Figures(sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
        }

        @Override
        public String toString() {
            return "p50 %.0f ms, p99 %.0f ms, max %.0f ms".formatted(p50, p99, max);
        }
    }

    /** One slice of the window by send time: {@code startS} seconds after the window began. */
    public record Slice(long startS, Figures latency) {
        @Override
        public String toString() {
            return "%d-%d s: %s (%d)".formatted(startS, startS + SLICE_MS / 1000, latency, latency.samples());
        }
    }

    /**
     * Latency figures in ms over the window; {@code missed} are items never seen within 30 s,
     * {@code unfinished} those still pending when {@link #awaitIdle} gave up. {@code toController}
     * and {@code inController} split the latency at the controller's receive time.
     */
    public record Summary(int samples, long missed, double p50, double p99, double max, long unfinished,
                          List<Slice> slices, Figures toController, Figures inController) {
        /** The largest p99 of any slice (NaN without slices). */
        public double worstSliceP99() {
            return slices.stream().mapToDouble(s -> s.latency().p99()).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        }

        @Override
        public String toString() {
            return "p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples, %d never seen%s)".formatted(p50, p99, max, samples, missed,
                    unfinished > 0 ? ", " + unfinished + " still pending" : "");
        }

        /** Per slice and split at the controller, for the benchmark's output. */
        public String detail() {
            return "per 10 s slice of send time: " + slices.stream().map(Slice::toString).toList()
                    + "; sent->controller received " + toController + ", received->API " + inController;
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
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> missedAt = Collections.synchronizedList(new ArrayList<>());
    /** Items tracked and not yet seen or given up, by send time (for awaitIdle). */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, AtomicLong> pendingBySentAt = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile long windowStartMs = Long.MIN_VALUE;
    private volatile long windowEndMs = Long.MAX_VALUE;

    private final String token;

    /** @param token an API token that may read the boxes */
    public ApiWatcher(String host, int httpPort, String token) {
        this.base = "http://" + host + ":" + httpPort + "/api/v1/boxes/";
        this.token = token;
    }

    /** Waits until {@code visible} holds for the box's API answer; the latency counts from {@code sentAtMs} (epoch ms). */
    public void track(String boxId, long sentAtMs, Predicate<JsonNode> visible) {
        if (pollers.isShutdown()) {
            return;
        }
        pendingBySentAt.computeIfAbsent(sentAtMs, k -> new AtomicLong()).incrementAndGet();
        try {
            pollers.execute(() -> poll(boxId, sentAtMs, visible));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            done(sentAtMs);
        }
    }

    private void poll(String boxId, long sentAtMs, Predicate<JsonNode> visible) {
        long now;
        JsonNode seen = null;
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + boxId)).timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            now = System.currentTimeMillis();
            if (r.statusCode() == 200) {
                JsonNode box = mapper.readTree(r.body());
                seen = visible.test(box) ? box : null;
            }
        } catch (java.io.IOException e) {
            now = System.currentTimeMillis();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (seen != null) {
            long received = receivedAt(seen);
            samples.add(new Sample(sentAtMs, now - sentAtMs, received < 0 ? -1 : Math.max(0, received - sentAtMs)));
            done(sentAtMs);
        } else if (now - sentAtMs > GIVE_UP_MS) {
            missedAt.add(sentAtMs);
            done(sentAtMs);
        } else {
            try {
                pollers.schedule(() -> poll(boxId, sentAtMs, visible), pollDelayMs(now - sentAtMs), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                done(sentAtMs);
            }
        }
    }

    /** Every {@value #POLL_MS} ms while young; then every 5 % of the item's age, at most every {@value #MAX_POLL_MS} ms. */
    static long pollDelayMs(long ageMs) {
        return Math.min(MAX_POLL_MS, Math.max(POLL_MS, ageMs / 20));
    }

    /**
     * Whether the controller has caught up: nothing sent more than {@code maxLatencyMs} ago is still
     * pending, and every item sent in the {@code spanMs} before that was seen within {@code maxLatencyMs}
     * (at least one). A fleet that just connected sends a burst that the controller works through first.
     */
    public boolean settled(long maxLatencyMs, long spanMs) {
        long now = System.currentTimeMillis();
        long until = now - maxLatencyMs;
        if (pendingBefore(until) > 0) {
            return false;
        }
        List<Sample> recent;
        synchronized (samples) {
            recent = samples.stream().filter(x -> x.sentAtMs() >= until - spanMs && x.sentAtMs() < until).toList();
        }
        return !recent.isEmpty() && recent.stream().allMatch(x -> x.latencyMs() <= maxLatencyMs);
    }

    private void done(long sentAtMs) {
        pendingBySentAt.computeIfPresent(sentAtMs, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** The controller's receive time of the status shown (epoch ms), or -1. */
    static long receivedAt(JsonNode box) {
        JsonNode at = box.get("statusReceivedAt");
        if (at == null || !at.isTextual()) {
            return -1;
        }
        try {
            return Instant.parse(at.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** Counts what is sent from now on (and forgets what was measured before, e.g. the warm-up). */
    public void startWindow() {
        windowStartMs = System.currentTimeMillis();
        windowEndMs = Long.MAX_VALUE;
    }

    /** Counts nothing sent from now on; what was sent in the window still counts when it shows later. */
    public void endWindow() {
        windowEndMs = System.currentTimeMillis();
    }

    /** Waits until everything sent before the window's end was seen or given up, at most {@code timeout}. */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && pendingBefore(windowEndMs) > 0) {
            Thread.sleep(20);
        }
    }

    private long pendingBefore(long endMs) {
        return pendingBySentAt.headMap(endMs).values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** The figures of what was sent in the measuring window. */
    public Summary summary() {
        return summary(windowStartMs, windowEndMs);
    }

    /** The figures of what was sent from {@code from} to {@code to} (epoch ms, end excluded), slices counted from {@code from}. */
    public Summary summary(long from, long to) {
        List<Sample> in;
        synchronized (samples) {
            in = samples.stream().filter(s -> s.sentAtMs() >= from && s.sentAtMs() < to).toList();
        }
        long missed;
        synchronized (missedAt) {
            missed = missedAt.stream().filter(t -> t >= from && t < to).count();
        }
        long unfinished = pendingBySentAt.subMap(from, to).values().stream().mapToLong(AtomicLong::get).sum();
        return summarize(in, missed, unfinished, from == Long.MIN_VALUE ? in.stream().mapToLong(Sample::sentAtMs).min().orElse(0) : from);
    }

    /** The figures of {@code in}, sliced by send time from {@code origin} (epoch ms). */
    static Summary summarize(List<Sample> in, long missed, long unfinished, long origin) {
        Figures all = Figures.of(in, Sample::latencyMs);
        java.util.TreeMap<Long, List<Sample>> bySlice = new java.util.TreeMap<>();
        for (Sample s : in) {
            bySlice.computeIfAbsent((s.sentAtMs() - origin) / SLICE_MS, k -> new ArrayList<>()).add(s);
        }
        List<Slice> slices = bySlice.entrySet().stream()
                .map(e -> new Slice(e.getKey() * SLICE_MS / 1000, Figures.of(e.getValue(), Sample::latencyMs))).toList();
        return new Summary(all.samples(), missed, all.p50(), all.p99(), all.max(), unfinished, slices,
                Figures.of(in, Sample::toControllerMs),
                Figures.of(in, s -> s.toControllerMs() < 0 ? -1 : s.latencyMs() - s.toControllerMs()));
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
