package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Digest with qop=auth as many IP cameras speak it (GStreamer's server uses the RFC 2069 form):
 * a scripted camera that checks every response hash, wants a rising nonce count, and expires its
 * nonce once (stale=true).
 */
class RtspDigestTest {
    private static final String SDP = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n";

    @Test
    void qopAuthWithRisingNonceCountAndAStaleNonce() throws Exception {
        List<String> seen = talkToCamera("right", c -> assertEquals("h264", c.check(Duration.ZERO).video().codec()));
        assertEquals(List.of("OPTIONS -", "OPTIONS n1 00000001 ok", "DESCRIBE n1 00000002 stale", "DESCRIBE n2 00000001 ok"), seen);
    }

    @Test
    void aWrongPasswordIsRefusedNotRetriedForever() throws Exception {
        List<String> seen = talkToCamera("wrong", c -> {
            RtspException e = assertThrows(RtspException.class, () -> c.check(Duration.ZERO));
            assertEquals("RTSP 401 Unauthorized — wrong username or password?", e.getMessage());
        });
        assertEquals(List.of("OPTIONS -", "OPTIONS n1 00000001 bad", "DESCRIBE n1 00000002 bad"), seen);
    }

    /** Runs {@code session} with a client using {@code password} against the camera (whose password is "right"); returns what it saw. */
    private static List<String> talkToCamera(String password, ClientSession session) throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread camera = new Thread(() -> serve(server, "right", seen));
            camera.setDaemon(true);
            camera.start();
            try (RtspClient c = new RtspClient(URI.create("rtsp://127.0.0.1:" + server.getLocalPort() + "/live"), "admin",
                    password, Duration.ofSeconds(2))) {
                session.run(c);
            }
        }
        return seen;
    }

    @FunctionalInterface
    private interface ClientSession {
        void run(RtspClient client) throws Exception;
    }

    /** One connection: checks Authorization on every request; expires nonce n1 on its first DESCRIBE. */
    private static void serve(ServerSocket server, String password, List<String> seen) {
        try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            String nonce = "n1";
            boolean expired = false;
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String[] request = line.split(" ");
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                    headers.put(h.substring(0, h.indexOf(':')).toLowerCase(), h.substring(h.indexOf(':') + 1).strip());
                }
                String cseq = headers.get("cseq");
                String auth = headers.get("authorization");
                if (auth == null) {
                    seen.add(request[0] + " -");
                    challenge(out, cseq, nonce, false);
                    continue;
                }
                HttpAuth.Challenge a = HttpAuth.parse(List.of(auth)).get(0);
                String expected = HttpAuth.response(null, "admin", "cam", password, request[0], a.param("uri"),
                        a.param("nonce"), a.param("nc"), a.param("cnonce"), a.param("qop"));
                boolean ok = expected.equals(a.param("response")) && a.param("nonce").equals(nonce);
                if (ok && request[0].equals("DESCRIBE") && !expired) {
                    expired = true;
                    nonce = "n2";
                    seen.add(request[0] + " " + a.param("nonce") + " " + a.param("nc") + " stale");
                    challenge(out, cseq, nonce, true);
                    continue;
                }
                seen.add(request[0] + " " + a.param("nonce") + " " + a.param("nc") + (ok ? " ok" : " bad"));
                if (!ok) {
                    challenge(out, cseq, nonce, false);
                } else if (request[0].equals("DESCRIBE")) {
                    out.write(("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nContent-Type: application/sdp\r\nContent-Length: "
                            + SDP.length() + "\r\n\r\n" + SDP).getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // The client closed.
        }
    }

    private static void challenge(OutputStream out, String cseq, String nonce, boolean stale) throws IOException {
        out.write(("RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"" + nonce
                + "\", qop=\"auth\", algorithm=MD5" + (stale ? ", stale=TRUE" : "") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
