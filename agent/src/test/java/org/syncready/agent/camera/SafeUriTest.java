package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SafeUriTest {
    @Test
    void dropsUserInfoAndSecretQueryParameters() {
        assertEquals("rtsp://10.0.0.7:554/Streaming/Channels/101",
                SafeUri.redact("rtsp://admin:Pa55w0rd@10.0.0.7:554/Streaming/Channels/101"));
        assertEquals("rtsp://cam/live?channel=1&token=***&Password=***",
                SafeUri.redact("rtsp://cam/live?channel=1&token=abc&Password=x"));
        assertEquals("rtmp://push.example.cn/live/room1?sign=***", SafeUri.redact("rtmp://user@push.example.cn/live/room1?sign=s3"));
        assertEquals("http://[fe80::1]:8080/onvif/device_service", SafeUri.redact("http://u:p@[fe80::1]:8080/onvif/device_service"));
        assertEquals("rtsp://cam/live", SafeUri.redact("rtsp://cam/live"));
        assertNull(SafeUri.redact(null));
    }

    @Test
    void unparsableUrlsLoseCredentialsToo() {
        // A space and a '@' in the password make it an invalid URI.
        assertEquals("rtsp://10.0.0.7/live", SafeUri.redact("rtsp://admin:p@ss word@10.0.0.7/live"));
        assertEquals("rtsp://h/x?***", SafeUri.redact("rtsp://a:b c@h/x?k=v v"));
    }

    @Test
    void scrubsASecretFromText() {
        assertEquals("login *** refused for ***", SafeUri.scrub("login hunter2 refused for hunter2", "hunter2"));
        assertEquals("unchanged", SafeUri.scrub("unchanged", null));
        assertEquals("unchanged", SafeUri.scrub("unchanged", " "));
    }
}
