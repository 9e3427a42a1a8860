package org.syncready.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamTargetTest {
    @Test
    void dropsUserInfoAndQueryButKeepsWhereTo() {
        StreamTarget t = StreamTarget.parse("rtmp://pusher:s3cret@live.district.edu.cn:1936/live/sch03-r204?token=abc&expire=9");
        assertEquals("rtmp://***@live.district.edu.cn:1936/live/sch03-r204?***", t.redacted());
        assertFalse(t.redacted().contains("s3cret") || t.redacted().contains("abc"));
        assertEquals(1936, t.port());
        assertTrue(t.tcpCheckable());
    }

    @Test
    void defaultPortsAndConnectionlessSchemes() {
        assertEquals(1935, StreamTarget.parse("rtmp://h/live/k").port());
        assertEquals(554, StreamTarget.parse("rtsp://h/live").port());
        assertEquals(443, StreamTarget.parse("rtmps://h/live/k").port());
        StreamTarget srt = StreamTarget.parse("srt://h:9000?streamid=publish:live/k&passphrase=p");
        assertFalse(srt.tcpCheckable());
        assertEquals("srt://h:9000?***", srt.redacted());
        assertFalse(StreamTarget.parse("udp://239.0.0.1:1234").tcpCheckable());
    }

    @Test
    void aBadUrlIsRefusedWithoutEchoingItsSecrets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamTarget.parse("rtmp://u:p w@h/x"));
        assertFalse(e.getMessage().contains("p w"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StreamTarget.parse("just-a-name"));
    }
}
