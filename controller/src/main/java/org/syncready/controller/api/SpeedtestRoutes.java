package org.syncready.controller.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.broker.BrokerPrincipal;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.metrics.ControllerMetrics;

/**
 * {@code POST /api/v1/speedtest}: the sink a box times an upload against to measure its uplink.
 * The body is counted as it streams in and thrown away, never buffered, so this route is mounted
 * before the API's 64 KiB body handler. A box logs in with HTTP Basic {@code boxId:secret} (the
 * secret it uses for MQTT). Bounded: at most {@code maxBytes} per upload (413 and the connection
 * closed beyond), {@code maxConcurrent} uploads at once and one per box every
 * {@code minIntervalMs} (429 with Retry-After), {@code timeoutMs} per upload (408). A box that
 * sends {@code Expect: 100-continue} (every agent does) gets the refusal before it sends the body, or
 * {@code 100 Continue} once the test is accepted: a refused upload never turns into a broken pipe.
 * Bodies may be chunked (the agent ends a test after at most 5 s) or have a length.
 */
public final class SpeedtestRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger(SpeedtestRoutes.class);
    private static final String PATH = "/api/v1/speedtest";
    private static final int MAX_BOXES_REMEMBERED = 65_536;

    public record Limits(long maxBytes, int maxConcurrent, long minIntervalMs, long timeoutMs) {
        /** 4 MiB, 8 at once (about 8 × 4 MiB in flight through the socket buffers, nothing kept), one a box per 30 s. */
        public static final Limits DEFAULT = new Limits(4L * 1024 * 1024, 8, 30_000, 30_000);
    }

    private final FleetRegistry registry;
    private final ControllerMetrics metrics;
    private final Limits limits;
    /** Last accepted upload per box; bounded, least recently used forgotten first. Event-loop only. */
    private final Map<String, Long> lastUpload = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_BOXES_REMEMBERED;
        }
    };
    private int running;
    private ApiContext api;

    public SpeedtestRoutes(FleetRegistry registry, ControllerMetrics metrics, Limits limits) {
        this.registry = registry;
        this.metrics = metrics;
        this.limits = limits;
    }

    @Override
    public void mount(ApiRoutes routes, ApiContext api) {
        // Everything is mounted before the body handler, in mountStreaming.
    }

    @Override
    public void mountStreaming(ApiRoutes routes, ApiContext api) {
        this.api = api;
        routes.post(PATH, Policy.box("boxes time an upload with HTTP Basic boxId:secret, checked by the route")
                .notAudited("a box's measurement, counted in syncready_speedtest_uploads_total"), this::upload);
    }

    private void upload(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Optional<String> boxId = authenticate(req.getHeader("Authorization"));
        if (boxId.isEmpty()) {
            metrics.speedtest("unauthorized", 0);
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"syncready\", charset=\"UTF-8\"");
            reject(ctx, new ApiException(401, "unauthorized", "log in with HTTP Basic boxId:secret"));
            return;
        }
        String box = boxId.get();
        String length = req.getHeader("Content-Length");
        if (length != null && parseLong(length) > limits.maxBytes()) {
            metrics.speedtest("too_large", 0);
            reject(ctx, new ApiException(413, "too_large", "a speed test uploads at most " + limits.maxBytes() + " bytes"));
            return;
        }
        long now = System.currentTimeMillis();
        Long last = lastUpload.get(box);
        if (last != null && now - last < limits.minIntervalMs()) {
            metrics.speedtest("too_soon", 0);
            long wait = (limits.minIntervalMs() - (now - last) + 999) / 1000;
            ctx.response().putHeader("Retry-After", Long.toString(wait));
            reject(ctx, new ApiException(429, "too_soon", "one speed test per box every " + limits.minIntervalMs() / 1000
                    + " s; postponed, retry in " + wait + " s"));
            return;
        }
        if (running >= limits.maxConcurrent()) {
            metrics.speedtest("busy", 0);
            ctx.response().putHeader("Retry-After", "5");
            reject(ctx, new ApiException(429, "busy", "too many speed tests at once; postponed, retry in 5 s"));
            return;
        }
        running++;
        lastUpload.put(box, now);
        if (req.headers().contains("Expect", "100-continue", true)) {
            // Accepted: now the box may send its body (vertx-web's body handler, which would say this, does not run here).
            ctx.response().writeContinue();
        }
        new Upload(ctx, box).start();
    }

    /**
     * Answers and, over HTTP/1.x, closes the connection: an unread body must not be read as the next
     * request. (Over HTTP/2 ending the response resets just this stream.)
     */
    private void reject(RoutingContext ctx, ApiException e) {
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
            ctx.response().endHandler(v -> ctx.request().connection().close());
        }
        api.fail(ctx, e);
    }

    private Optional<String> authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        byte[] secret = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        return registry.authenticate(user, user, secret).filter(p -> !p.isController()).map(BrokerPrincipal::boxId);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** One upload in flight: counts bytes, answers at the end, or cuts it off at the size or time limit. */
    private final class Upload {
        private final RoutingContext ctx;
        private final String box;
        private long bytes;
        private long firstByteNanos;
        private final long startNanos = System.nanoTime();
        private long timer;
        private boolean done;

        Upload(RoutingContext ctx, String box) {
            this.ctx = ctx;
            this.box = box;
        }

        void start() {
            HttpServerRequest req = ctx.request();
            timer = api.vertx().setTimer(limits.timeoutMs(), id -> finish("timeout",
                    new ApiException(408, "timeout", "the upload took longer than " + limits.timeoutMs() / 1000 + " s")));
            req.handler(buf -> {
                if (done) {
                    return;
                }
                if (bytes == 0) {
                    firstByteNanos = System.nanoTime();
                }
                bytes += buf.length();
                if (bytes > limits.maxBytes()) {
                    finish("too_large", new ApiException(413, "too_large", "a speed test uploads at most " + limits.maxBytes() + " bytes"));
                }
            });
            req.exceptionHandler(e -> finish("failed", null));
            req.endHandler(v -> {
                if (done) {
                    return;
                }
                long end = System.nanoTime();
                double ms = (end - (bytes == 0 ? startNanos : firstByteNanos)) / 1e6;
                finishOk(ms);
            });
            // The router may have paused the request until a body handler runs; this route is its body handler.
            req.resume();
        }

        private void finishOk(double ms) {
            done = true;
            release();
            metrics.speedtest("ok", bytes);
            double kbps = ms <= 0 ? 0 : bytes * 8 / ms;
            api.send(ctx, 200, api.json().createObjectNode().put("bytes", bytes)
                    .put("ms", Math.round(ms * 10) / 10.0).put("kbps", Math.round(kbps)));
        }

        private void finish(String outcome, ApiException answer) {
            if (done) {
                return;
            }
            done = true;
            release();
            metrics.speedtest(outcome, bytes);
            log.info("speed test from box={} ended: {} after {} bytes", box, outcome, bytes);
            if (answer != null) {
                reject(ctx, answer);
            } else if (ctx.request().version() != HttpVersion.HTTP_2) {
                ctx.request().connection().close();
            } else {
                ctx.response().reset();
            }
        }

        private void release() {
            api.vertx().cancelTimer(timer);
            running--;
        }
    }
}
