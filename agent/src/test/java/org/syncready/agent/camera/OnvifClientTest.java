package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OnvifClientTest {
    @Test
    void passwordDigestFollowsTheUsernameTokenProfile() {
        // Base64(SHA-1(nonce + created + password)), computed independently (Python hashlib) for these inputs.
        byte[] nonce = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        assertEquals("iA/quhpCrq2Wbe4+FcnHsWTlwoo=", OnvifClient.passwordDigest(nonce, "2026-11-24T06:00:00Z", "admin123"));
        String token = OnvifClient.usernameToken("admin", "admin123", nonce, "2026-11-24T06:00:00Z");
        assertTrue(token.contains("<Username>admin</Username>"), token);
        assertTrue(token.contains(Base64.getEncoder().encodeToString(nonce)), token);
        assertTrue(!token.contains("admin123"), "the password itself never travels");
    }

    @Test
    void discoversTheStreamUriWithDigestAuth() throws Exception {
        try (OnvifTestResponder camera = new OnvifTestResponder("admin", "admin123", "rtsp://127.0.0.1:8554/ball")) {
            OnvifClient.Info info = new OnvifClient(URI.create(camera.deviceService()), "admin", "admin123",
                    Duration.ofSeconds(3)).discover();
            assertEquals("TestCam", info.manufacturer());
            assertEquals("TC-1", info.model());
            assertEquals("main", info.profileToken());
            assertEquals("rtsp://127.0.0.1:8554/ball", info.streamUri());
            assertEquals(4, camera.authorizedCalls.get());
        }
    }

    @Test
    void aWrongPasswordIsNotAuthorized() throws Exception {
        try (OnvifTestResponder camera = new OnvifTestResponder("admin", "admin123", "rtsp://x/y")) {
            RtspException e = assertThrows(RtspException.class, () -> new OnvifClient(URI.create(camera.deviceService()),
                    "admin", "wrong", Duration.ofSeconds(3)).discover());
            assertEquals("ONVIF GetDeviceInformation not authorized — wrong username or password (or camera clock far off)?",
                    e.getMessage());
            RtspException none = assertThrows(RtspException.class, () -> new OnvifClient(URI.create(camera.deviceService()),
                    null, null, Duration.ofSeconds(3)).discover());
            assertTrue(none.getMessage().contains("needs a username and password"), none.getMessage());
        }
    }

    @Test
    void deadAndSilentDevicesSaySo() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        RtspException refused = assertThrows(RtspException.class, () -> new OnvifClient(
                URI.create("http://127.0.0.1:" + dead + "/onvif/device_service"), "a", "b", Duration.ofSeconds(2)).discover());
        assertTrue(refused.getMessage().startsWith("ONVIF connection refused by http://127.0.0.1:" + dead), refused.getMessage());
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            RtspException timeout = assertThrows(RtspException.class, () -> new OnvifClient(
                    URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/onvif/device_service"), "a", "b",
                    Duration.ofMillis(500)).discover());
            assertTrue(timeout.getMessage().contains("no answer") && timeout.getMessage().contains("500 ms"), timeout.getMessage());
        }
    }
}
