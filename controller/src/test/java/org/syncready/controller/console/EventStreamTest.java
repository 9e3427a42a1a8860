package org.syncready.controller.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's event streams on a real Vert.x server and real sockets: a reading client gets every event, a stalled one is let go. */
class EventStreamTest {
    Vertx vertx;
    HttpServer server;
    final AtomicReference<EventStream> stream = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/live").handler(ctx -> stream.set(EventStream.start(ctx, "test")));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", server.actualPort());
        OutputStream out = s.getOutputStream();
        out.write("GET /live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.get() != null);
        return s;
    }

    @Test
    void aReadingClientGetsEachEventWithItsNameAndEveryLine() throws Exception {
        int before = EventStream.open();
        try (Socket s = connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            stream.get().send("status", "<div>\n就绪\n</div>");
            StringBuilder got = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null && !line.equals("data: </div>")) {
                got.append(line).append('\n');
            }
            String text = got.toString();
            assertTrue(text.contains("text/event-stream"), text);
            assertTrue(text.contains("retry: 2000"), text);
            assertTrue(text.contains("event: status\ndata: <div>\ndata: 就绪\n"), text);
            assertEquals(before + 1, EventStream.open());
        }
        // The client left: the stream is closed and counted out.
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.get().isClosed());
        assertEquals(before, EventStream.open());
    }

    @Test
    void aClientThatStopsReadingIsLetGoInsteadOfBufferedWithoutEnd() throws Exception {
        int before = EventStream.open();
        boolean[] closedRan = {false};
        try (Socket s = connect()) {
            s.setReceiveBufferSize(4096);
            EventStream e = stream.get();
            e.onClose(() -> closedRan[0] = true);
            String big = "x".repeat(16 * 1024);
            // 64 MB offered to a client that reads nothing: the write queue fills, events are dropped, the stream closes.
            for (int i = 0; i < 4096 && !e.isClosed(); i++) {
                e.send("status", big);
                if (i % 64 == 0) {
                    Thread.sleep(5);
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(e::isClosed);
            assertTrue(closedRan[0], "the page's unsubscribe ran");
            assertEquals(before, EventStream.open());
        }
    }
}
