package org.syncready.agent.netcheck;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/** The speed-test sink's contract (docs/API.md) on the JDK's HTTP server, for agent tests. */
final class TestSpeedtestSink implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger uploads = new AtomicInteger();
    volatile int forceStatus;

    TestSpeedtestSink(String boxId, String secret) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString((boxId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        server.createContext("/api/v1/speedtest", ex -> {
            long bytes = 0;
            long start = System.nanoTime();
            try (InputStream in = ex.getRequestBody()) {
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytes += n;
                }
            }
            double ms = (System.nanoTime() - start) / 1e6;
            boolean authorized = expected.equals(ex.getRequestHeaders().getFirst("Authorization"));
            if (!authorized) {
                // As the controller does: the challenge that makes HttpURLConnection refuse to stream a retry.
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"syncready\"");
            }
            int status = !authorized ? 401
                    : forceStatus != 0 ? forceStatus : 200;
            byte[] body = (status == 200 ? "{\"bytes\":" + bytes + ",\"ms\":" + ms + "}" : "{\"error\":\"x\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (status == 200) {
                uploads.incrementAndGet();
            }
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
