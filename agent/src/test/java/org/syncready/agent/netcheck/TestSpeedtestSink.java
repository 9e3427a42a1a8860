package org.syncready.agent.netcheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The speed-test sink's contract (docs/API.md) as the controller keeps it, on a raw socket so the
 * test sees what goes over the wire: a refusal (401, 429) is answered right after the headers,
 * without reading the body, and the connection closed; an accepted upload gets "100 Continue" when
 * it asked for it, and its body (chunked or with a length) is counted, optionally at a limited rate
 * (a slow uplink).
 */
public final class TestSpeedtestSink implements AutoCloseable {
    public final AtomicInteger uploads = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();
    /** Body bytes a refused request sent anyway (a client that did not wait for 100 Continue). */
    final AtomicLong bodyBytesOfRefused = new AtomicLong();
    /** 429 every request with this Retry-After (s) when > 0, as the controller does within its interval. */
    volatile int tooSoonRetryAfterS;
    /** Read the body at most this fast, bytes/s; 0 = as fast as it comes. */
    public volatile long readBytesPerSecond;

    private final ServerSocket server;
    private final String expected;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-speedtest-sink");
        t.setDaemon(true);
        return t;
    });

    public TestSpeedtestSink(String boxId, String secret) throws IOException {
        server = new ServerSocket();
        // A small window, as on a real slow uplink: loopback would otherwise let the sender's kernel
        // buffer megabytes at once, and a slow reader would not slow the writer down.
        server.setReceiveBufferSize(32 * 1024);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        expected = "Basic " + Base64.getEncoder().encodeToString((boxId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        pool.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    pool.execute(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Map<String, String> headers = headers(in);
            requests.incrementAndGet();
            if (!expected.equals(headers.get("authorization"))) {
                refuse(s, in, out, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"syncready\"\r\n", "unauthorized");
                return;
            }
            if (tooSoonRetryAfterS > 0) {
                refuse(s, in, out, "429 Too Many Requests", "Retry-After: " + tooSoonRetryAfterS + "\r\n", "too_soon");
                return;
            }
            if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            long start = System.nanoTime();
            long bytes = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? readChunked(in)
                    : readFixed(in, Long.parseLong(headers.getOrDefault("content-length", "0")));
            double ms = (System.nanoTime() - start) / 1e6;
            uploads.incrementAndGet();
            answer(out, "200 OK", "", "{\"bytes\":" + bytes + ",\"ms\":" + ms + "}");
        } catch (IOException e) {
            // The client went away; nothing to answer.
        }
    }

    private void refuse(Socket s, InputStream in, OutputStream out, String status, String header, String code) throws IOException {
        answer(out, status, header + "Connection: close\r\n", "{\"error\":\"" + code + "\"}");
        s.shutdownOutput();
        // Count what the client sends anyway until it closes: a client that waits for 100 Continue sends nothing.
        s.setSoTimeout(1_000);
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                bodyBytesOfRefused.addAndGet(n);
            }
        } catch (SocketTimeoutException | SocketException e) {
            // Done listening.
        }
    }

    private static void answer(OutputStream out, String status, String headers, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        line(in); // request line
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return h;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the headers");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private long readChunked(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            String size = line(in);
            long n = Long.parseLong(size.split(";")[0].trim(), 16);
            if (n == 0) {
                line(in); // the empty line after the last chunk
                return total;
            }
            total += readFixed(in, n);
            line(in);
        }
    }

    private long readFixed(InputStream in, long n) throws IOException {
        byte[] buf = new byte[4096];
        long read = 0;
        long start = System.nanoTime();
        while (read < n) {
            int got = in.read(buf, 0, (int) Math.min(buf.length, n - read));
            if (got < 0) {
                throw new IOException("body ended early");
            }
            read += got;
            long rate = readBytesPerSecond;
            if (rate > 0) {
                long dueNanos = read * 1_000_000_000L / rate - (System.nanoTime() - start);
                if (dueNanos > 0) {
                    try {
                        Thread.sleep(dueNanos / 1_000_000, (int) (dueNanos % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
            }
        }
        return read;
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
