package org.syncready.controller.console;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events stream to one browser. Bounded: every event is written on the connection's
 * event loop, never waited for; when the connection's write queue is full (a slow or stalled client),
 * the event is dropped, and after {@link #MAX_DROPPED} drops in a row the stream is closed, so a slow
 * client costs at most Netty's write queue (high-water mark 64 KiB) and is then let go: its browser's
 * EventSource reconnects and the page's first event is the full current state again. At most
 * {@link #MAX_OPEN} streams are open per controller; more are refused with 503. A comment line every
 * {@link #HEARTBEAT_MS} ms keeps proxies from closing an idle stream and finds dead clients.
 */
public final class EventStream {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    /** Streams open at once, over every page: beyond, 503 (each costs a connection and a little memory). */
    public static final int MAX_OPEN = 2_000;
    /** Events dropped in a row for a full write queue before the stream is closed. */
    public static final int MAX_DROPPED = 20;
    public static final long HEARTBEAT_MS = 15_000;
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final HttpServerResponse response;
    private final Context context;
    private final Vertx vertx;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String what;
    private int dropped;
    private long heartbeat = -1;
    private Runnable onClose = () -> { };

    private EventStream(RoutingContext ctx, String what) {
        this.response = ctx.response();
        this.vertx = ctx.vertx();
        this.context = vertx.getOrCreateContext();
        this.what = what;
    }

    /** Streams open now (for the page-weight and load figures, and /metrics). */
    public static int open() {
        return OPEN.get();
    }

    /**
     * Starts the stream on the request's event loop, or answers 503 when {@link #MAX_OPEN} are open (null then).
     * {@code what} names it in logs (e.g. {@code box box-hexi-g3}).
     */
    public static EventStream start(RoutingContext ctx, String what) {
        if (OPEN.incrementAndGet() > MAX_OPEN) {
            OPEN.decrementAndGet();
            ctx.response().setStatusCode(503).putHeader("Retry-After", "10").putHeader("content-type", "text/plain; charset=utf-8")
                    .end("too many live streams open; retry later / 实时连接过多，请稍后再试\n");
            return null;
        }
        EventStream s = new EventStream(ctx, what);
        s.response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
        s.response.closeHandler(v -> s.closed());
        s.response.exceptionHandler(e -> s.closed());
        s.response.write("retry: 2000\n\n");
        s.heartbeat = s.vertx.setPeriodic(HEARTBEAT_MS, id -> s.comment("ping"));
        return s;
    }

    /** Runs {@code action} once when the stream ends (the client left, or it was closed): unsubscribe here. */
    public EventStream onClose(Runnable action) {
        this.onClose = action;
        return this;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Sends one event (any thread): {@code event} names it (htmx's {@code sse-swap="name"}), {@code data} is
     * its text (HTML for htmx, JSON for a chart), one or more lines.
     */
    public void send(String event, String data) {
        if (closed.get()) {
            return;
        }
        StringBuilder b = new StringBuilder(data.length() + 32);
        if (event != null) {
            b.append("event: ").append(event).append('\n');
        }
        for (String line : data.split("\r?\n", -1)) {
            b.append("data: ").append(line).append('\n');
        }
        b.append('\n');
        String frame = b.toString();
        context.runOnContext(v -> write(frame));
    }

    private void comment(String text) {
        context.runOnContext(v -> write(": " + text + "\n\n"));
    }

    private void write(String frame) {
        if (closed.get()) {
            return;
        }
        if (response.writeQueueFull()) {
            if (++dropped >= MAX_DROPPED) {
                log.info("console stream {}: client too slow ({} events dropped in a row), closed; it reconnects for a fresh state",
                        what, dropped);
                close();
            }
            return;
        }
        dropped = 0;
        response.write(frame);
    }

    /** Ends the stream (any thread). */
    public void close() {
        context.runOnContext(v -> {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
            closed();
        });
    }

    private void closed() {
        if (closed.compareAndSet(false, true)) {
            OPEN.decrementAndGet();
            if (heartbeat >= 0) {
                vertx.cancelTimer(heartbeat);
            }
            try {
                onClose.run();
            } catch (RuntimeException e) {
                log.warn("console stream {}: closing failed: {}", what, e.toString());
            }
        }
    }
}
