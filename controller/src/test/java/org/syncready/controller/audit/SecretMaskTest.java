package org.syncready.controller.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Credentials in configuration JSON and in free text lose their secret parts. */
class SecretMaskTest {

    @Test
    void urlsLoseTheirUserInfoAndQueryAndSecretFieldsTheirValues() throws Exception {
        assertEquals("rtsp://***@10.0.0.7:554/Streaming/Channels/101", SecretMask.maskUrl("rtsp://admin:Pa55w0rd@10.0.0.7:554/Streaming/Channels/101"));
        assertEquals("rtmp://push.example.cn/live/room1?***", SecretMask.maskUrl("rtmp://push.example.cn/live/room1?sign=s3cret&t=1"));
        assertEquals("rtsp://***@10.0.0.7/live", SecretMask.maskUrl("rtsp://admin:p@ss/w@rd@10.0.0.7/live"));
        assertEquals("srt://***@h:9000#***", SecretMask.maskUrl("srt://u:p@h:9000#frag"));
        assertEquals("rtmp://stream.example.org/live/classroom", SecretMask.maskUrl("rtmp://stream.example.org/live/classroom"));
        assertEquals("hw:1,0", SecretMask.maskUrl("hw:1,0"));
        assertEquals("/dev/video0", SecretMask.maskUrl("/dev/video0"));

        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree("""
                {"stream":{"pushUrl":"rtmp://u:k@s.example.org/live/a?key=K1"},"cameras":[{"id":"c1","url":"rtsp://a:b@10.0.0.1/x"}],
                 "password":"hunter22","nested":{"apiToken":"t0k3n","note":"plain text"},"count":3}""");
        JsonNode masked = SecretMask.mask(config);
        assertEquals("rtmp://***@s.example.org/live/a?***", masked.at("/stream/pushUrl").asText());
        assertEquals("rtsp://***@10.0.0.1/x", masked.at("/cameras/0/url").asText());
        assertEquals("***", masked.path("password").asText());
        assertEquals("***", masked.at("/nested/apiToken").asText());
        assertEquals("plain text", masked.at("/nested/note").asText());
        assertEquals(3, masked.path("count").asInt());
        assertTrue(config.toString().contains("hunter22"), "the original is left as it was");
        assertTrue(SecretMask.hasSecrets(config));
        assertFalse(SecretMask.hasSecrets(masked));
    }

    @Test
    void urlsInsideMessagesAreMaskedAndTheRestIsKept() {
        assertEquals("override school s1 /stream/pushUrl: 'rtmp://***@s.example.org/live/x?***' is not allowed; see 'rtsp://cam/live'",
                SecretMask.maskText("override school s1 /stream/pushUrl: 'rtmp://u:k3y@s.example.org/live/x?sign=S1' is not allowed;"
                        + " see 'rtsp://cam/live'"));
        assertEquals("{\"pushUrl\":\"rtmp://***@h/live?***\",\"n\":1}", SecretMask.maskText("{\"pushUrl\":\"rtmp://a:b@h/live?k=v\",\"n\":1}"));
        assertEquals("no URL here", SecretMask.maskText("no URL here"));
        assertEquals(null, SecretMask.maskText(null));
        String once = SecretMask.maskText("rtsp://a:b@h/x?y=1");
        assertEquals(once, SecretMask.maskText(once), "masking twice changes nothing");
    }
}
