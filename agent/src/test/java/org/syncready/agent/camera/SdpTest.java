package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SdpTest {
    /** Captured from the GStreamer RTSP server the integration tests use (640x360, 25 fps). */
    static final String GSTREAMER = """
            v=0\r
            o=- 12003417638822184850 1 IN IP4 127.0.0.1\r
            s=Session streamed with GStreamer\r
            t=0 0\r
            a=control:*\r
            a=range:npt=now-\r
            m=video 0 RTP/AVP 96\r
            c=IN IP4 0.0.0.0\r
            b=AS:2097\r
            a=rtpmap:96 H264/90000\r
            a=framerate:25\r
            a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtoCgL/lwFqDAwNSgAAAAwCAAAAZR4sXUA==,aM48gA==;profile-level-id=42c01e\r
            a=control:stream=0\r
            """;

    @Test
    void readsCodecFrameRateControlAndSizeFromTheSps() {
        Sdp v = Sdp.parseVideo(GSTREAMER).orElseThrow();
        assertEquals("h264", v.codec());
        assertEquals(96, v.payloadType());
        assertEquals(90000, v.clockRate());
        assertEquals("stream=0", v.control());
        assertEquals(25.0, v.fps());
        assertEquals(640, v.width());
        assertEquals(360, v.height());
    }

    @Test
    void readsA1080pSpsWithCropping() {
        // x264 1920x1080 High profile: 1088 coded lines cropped to 1080.
        String sdp = "m=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
                + "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwAEAAADAMg8YMZY,aOvjyyLA\n";
        Sdp v = Sdp.parseVideo(sdp).orElseThrow();
        assertEquals(1920, v.width());
        assertEquals(1080, v.height());
    }

    @Test
    void ipCameraStyleAttributesAndTheFirstVideoTrackOnly() {
        String sdp = """
                v=0
                m=audio 0 RTP/AVP 8
                a=rtpmap:8 PCMA/8000
                a=control:trackID=2
                m=video 0 RTP/AVP 97
                a=rtpmap:97 H265/90000
                a=x-dimensions:2560,1440
                a=x-framerate:20
                a=control:rtsp://10.0.0.7/Streaming/Channels/101/trackID=1
                m=video 0 RTP/AVP 26
                a=control:trackID=3
                """;
        Sdp v = Sdp.parseVideo(sdp).orElseThrow();
        assertEquals("h265", v.codec());
        assertEquals(2560, v.width());
        assertEquals(1440, v.height());
        assertEquals(20.0, v.fps());
        assertEquals("rtsp://10.0.0.7/Streaming/Channels/101/trackID=1", v.control());
    }

    @Test
    void staticPayloadTypeCliprectAndBrokenValues() {
        Sdp v = Sdp.parseVideo("m=video 0 RTP/AVP 26\na=cliprect:0,0,720,1280\na=framerate:abc\n").orElseThrow();
        assertEquals("mjpeg", v.codec());
        assertEquals(1280, v.width());
        assertEquals(720, v.height());
        assertNull(v.fps());
        Sdp broken = Sdp.parseVideo("m=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
                + "a=fmtp:96 sprop-parameter-sets=!!!notbase64,Zw==\n").orElseThrow();
        assertNull(broken.width());
    }

    @Test
    void noVideoTrackIsEmpty() {
        assertTrue(Sdp.parseVideo("v=0\nm=audio 0 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n").isEmpty());
        assertTrue(Sdp.parseVideo("").isEmpty());
        assertTrue(Sdp.parseVideo("garbage\n=\nm=\n").isEmpty());
    }

    @Test
    void controlUrlsResolveAgainstTheBase() {
        assertEquals("rtsp://h/live/stream=0", RtspClient.controlUrl("rtsp://h/live/", "stream=0"));
        assertEquals("rtsp://h/live/trackID=1", RtspClient.controlUrl("rtsp://h/live", "trackID=1"));
        assertEquals("rtsp://h/live", RtspClient.controlUrl("rtsp://h/live", "*"));
        assertEquals("rtsp://o/x", RtspClient.controlUrl("rtsp://h/live", "rtsp://o/x"));
    }
}
