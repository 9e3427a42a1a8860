package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RTSP client against a real GStreamer RTSP server, and against servers that refuse or hang. */
class RtspClientTest {
    private static final Duration TIMEOUT = Duration.ofMillis(3000);
    static RtspTestCamera open;
    static RtspTestCamera digest;
    static RtspTestCamera basic;

    @BeforeAll
    static void startCameras() throws Exception {
        open = RtspTestCamera.start(null, null, null);
        digest = RtspTestCamera.start("cam", "s3cret pw", "digest");
        basic = RtspTestCamera.start("cam", "s3cret", "basic");
    }

    @AfterAll
    static void stopCameras() throws Exception {
        for (RtspTestCamera c : new RtspTestCamera[]{open, digest, basic}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static RtspClient.Result check(String url, String user, String password, Duration measure) throws RtspException {
        try (RtspClient c = new RtspClient(URI.create(url), user, password, TIMEOUT)) {
            return c.check(measure);
        }
    }

    @Test
    void playCountsRealFramesAndBytes() throws Exception {
        RtspClient.Result r = check(open.url("ball"), null, null, Duration.ofSeconds(3));
        System.out.printf("RTSP PLAY window on the test camera: %d frames, %d bytes in %.2f s = %.1f fps, %d kbit/s%n",
                r.frames(), r.bytes(), r.measuredS(), r.fps(), r.bitrateKbps());
        assertEquals("h264", r.video().codec());
        assertEquals(640, r.width());
        assertEquals(360, r.height());
        assertTrue(r.fps() > 15 && r.fps() < 35, "fps " + r.fps());
        assertTrue(r.bitrateKbps() > 10, "bitrate " + r.bitrateKbps());
    }

    @Test
    void describeOnlyGivesTheDeclaredStream() throws Exception {
        RtspClient.Result r = check(open.url("smpte"), null, null, Duration.ZERO);
        assertEquals("h264", r.video().codec());
        assertEquals(25.0, r.video().fps());
        assertEquals(640, r.width());
        assertNull(r.fps());
        assertEquals(0, r.frames());
    }

    @Test
    void digestAuthWorksAndAWrongPasswordSaysSo() throws Exception {
        RtspClient.Result r = check(digest.url("ball"), "cam", "s3cret pw", Duration.ofSeconds(1));
        assertTrue(r.frames() > 0);
        RtspException wrong = assertThrows(RtspException.class, () -> check(digest.url("ball"), "cam", "nope", Duration.ZERO));
        assertEquals("RTSP 401 Unauthorized — wrong username or password?", wrong.getMessage());
        RtspException none = assertThrows(RtspException.class, () -> check(digest.url("ball"), null, null, Duration.ZERO));
        assertEquals("RTSP 401 Unauthorized — the camera needs a username and password", none.getMessage());
    }

    @Test
    void basicAuthWorksAndAWrongPasswordSaysSo() throws Exception {
        assertEquals("h264", check(basic.url("black"), "cam", "s3cret", Duration.ZERO).video().codec());
        RtspException wrong = assertThrows(RtspException.class, () -> check(basic.url("black"), "cam", "s3cret!", Duration.ZERO));
        assertEquals("RTSP 401 Unauthorized — wrong username or password?", wrong.getMessage());
    }

    @Test
    void aWrongPathIsA404() {
        RtspException e = assertThrows(RtspException.class, () -> check(open.url("nope"), null, null, Duration.ZERO));
        assertTrue(e.getMessage().startsWith("RTSP 404 Not Found on DESCRIBE"), e.getMessage());
    }

    @Test
    void aDeadPortIsRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RtspException e = assertThrows(RtspException.class,
                () -> check("rtsp://127.0.0.1:" + port + "/live", null, null, Duration.ZERO));
        assertEquals("RTSP connection refused by 127.0.0.1:" + port + " — camera off, or wrong port?", e.getMessage());
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersTimesOut() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(s.accept());
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.start();
            long t0 = System.nanoTime();
            RtspException e;
            try (RtspClient c = new RtspClient(URI.create("rtsp://127.0.0.1:" + s.getLocalPort() + "/live"), null, null,
                    Duration.ofMillis(500))) {
                e = assertThrows(RtspException.class, () -> c.check(Duration.ZERO));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("RTSP camera at 127.0.0.1:" + s.getLocalPort()
                    + " accepted the connection but did not answer within 500 ms", e.getMessage());
            assertTrue(ms < 3000, "took " + ms + " ms");
        } finally {
            for (Socket a : accepted) {
                a.close();
            }
        }
    }

    @Test
    void aServerSpeakingAnotherProtocolIsAnError() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket a = s.accept()) {
                    a.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes());
                    a.getInputStream().read(new byte[1024]);
                } catch (IOException e) {
                    // done
                }
            });
            server.start();
            RtspException e = assertThrows(RtspException.class,
                    () -> check("rtsp://127.0.0.1:" + s.getLocalPort() + "/", null, null, Duration.ZERO));
            assertTrue(e.getMessage().startsWith("RTSP "), e.getMessage());
        }
    }
}
