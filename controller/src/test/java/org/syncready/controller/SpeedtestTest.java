package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syncready.protocol.EchoPacket;

/** The network-check services of a whole running controller: speed-test sink and echo service. */
class SpeedtestTest {
    @TempDir
    static Path data;
    static ControllerFixture fixture;
    static String secretA;
    static String secretB;
    static String secretC;
    static String secretD;
    // HTTP/1.1 as the agent uses it: the JDK client would otherwise try an h2c upgrade.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        fixture = new ControllerFixture(data);
        secretA = fixture.registerBox("s1", "c1", "box-a");
        secretB = fixture.registerBox("s1", "c1", "box-b");
        secretC = fixture.registerBox("s1", "c1", "box-c");
        secretD = fixture.registerBox("s1", "c1", "box-d");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void countsAnUploadLargerThanTheApiBodyLimitAndAnswersBytesAndTime() throws Exception {
        double okBefore = fixture.controller.metrics().count("syncready.speedtest.uploads", "outcome", "ok");
        HttpResponse<String> r = upload("box-a", secretA, new byte[1024 * 1024]);
        assertEquals(200, r.statusCode(), r.body());
        var body = fixture.json.readTree(r.body());
        assertEquals(1024 * 1024, body.get("bytes").asLong());
        assertTrue(body.get("ms").asDouble() >= 0);
        assertTrue(body.has("kbps"));

        HttpResponse<String> again = upload("box-a", secretA, new byte[1000]);
        assertEquals(429, again.statusCode());
        assertTrue(again.headers().firstValue("Retry-After").isPresent());
        assertEquals("too_soon", fixture.json.readTree(again.body()).get("error").asText());
        // Other tests of this class upload too: count this one only.
        assertEquals(okBefore + 1, fixture.controller.metrics().count("syncready.speedtest.uploads", "outcome", "ok"));
        assertTrue(fixture.metricsText().contains("syncready_speedtest_uploads_total{outcome=\"ok\"}"));
    }

    @Test
    void refusesMissingOrWrongCredentials() throws Exception {
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(uri()).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, upload("box-b", "wrong", new byte[10]).statusCode());
        assertEquals(401, upload("box-zz", secretB, new byte[10]).statusCode());
    }

    @Test
    void refusesADeclaredBodyOverTheLimitBeforeReadingIt() throws Exception {
        try (Socket s = new Socket("127.0.0.1", fixture.controller.httpPort())) {
            s.setSoTimeout(5000);
            String auth = Base64.getEncoder().encodeToString(("box-c:" + secretC).getBytes(StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/speedtest HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Length: 5000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", status);
        }
    }

    @Test
    void anExpectingBoxIsToldContinueOrRefusedBeforeItSendsTheBody() throws Exception {
        String auth = Base64.getEncoder().encodeToString(("box-d:" + secretD).getBytes(StandardCharsets.UTF_8));
        String headers = "POST /api/v1/speedtest HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth
                + "\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", fixture.controller.httpPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out.write(headers.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 100 Continue", in.readLine(), "accepted: go on");
            assertEquals("", in.readLine());
            for (int i = 0; i < 3; i++) {
                out.write(("3e8\r\n" + "x".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            String line;
            while (!(line = in.readLine()).isEmpty()) {
                assertTrue(!line.startsWith("HTTP/"), line);
            }
            char[] body = new char[200];
            int n = in.read(body);
            assertTrue(new String(body, 0, n).contains("\"bytes\":3000"), new String(body, 0, n));
        }
        // Within 30 s of that test: refused at once, before the body, with when to come back.
        try (Socket s = new Socket("127.0.0.1", fixture.controller.httpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 429 Too Many Requests", in.readLine(), "no 100 Continue first");
            StringBuilder rest = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                rest.append(line).append('\n');
            }
            assertTrue(rest.toString().contains("Retry-After: "), rest.toString());
            assertTrue(rest.toString().contains("\"error\":\"too_soon\""), rest.toString());
            assertTrue(rest.toString().contains("postponed, retry in"), rest.toString());
        }
    }

    @Test
    void cutsOffAStreamedBodyThatGrowsOverTheLimit() throws Exception {
        String auth = Base64.getEncoder().encodeToString(("box-c:" + secretC).getBytes(StandardCharsets.UTF_8));
        double before = fixture.controller.metrics().count("syncready.speedtest.uploads", "outcome", "too_large");
        // No Content-Length (chunked): the limit can only be found while counting.
        HttpRequest req = HttpRequest.newBuilder(uri()).header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[5 * 1024 * 1024])))
                .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode());
        } catch (java.io.IOException e) {
            // Also fine: the controller closed the connection while the client was still sending.
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                fixture.controller.metrics().count("syncready.speedtest.uploads", "outcome", "too_large") == before + 1);
    }

    @Test
    void echoServiceAnswersARegisteredBox() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(2000);
            byte[] req = new EchoPacket(EchoPacket.REQUEST, "box-b", 1, 9, 9).encode(EchoPacket.key(secretB));
            client.send(new DatagramPacket(req, req.length, new InetSocketAddress("127.0.0.1", fixture.controller.echoPort())));
            DatagramPacket reply = new DatagramPacket(new byte[256], 256);
            client.receive(reply);
            assertTrue(EchoPacket.verify(reply.getData(), reply.getLength(), EchoPacket.key(secretB)));
        }
        // The responder counts the packet just after sending the reply, so the client can see the reply first.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                fixture.metricsText().contains("syncready_echo_packets_total{outcome=\"answered\"}"));
    }

    private HttpResponse<String> upload(String box, String secret, byte[] body) throws Exception {
        String auth = Base64.getEncoder().encodeToString((box + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri()).header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + fixture.controller.httpPort() + "/api/v1/speedtest");
    }
}
