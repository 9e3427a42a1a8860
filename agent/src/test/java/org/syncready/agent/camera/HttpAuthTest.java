package org.syncready.agent.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpAuthTest {
    @Test
    void rfc2617DigestExample() {
        assertEquals("6629fae49393a05397450978507c4ef1", HttpAuth.response(null, "Mufasa", "testrealm@host.com",
                "Circle Of Life", "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                "0a4f113b", "auth"));
    }

    @Test
    void rfc7616DigestExamplesMd5AndSha256() {
        String nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", HttpAuth.response("MD5", "Mufasa", "http-auth@example.org",
                "Circle of Life", "GET", "/dir/index.html", nonce, "00000001", cnonce, "auth"));
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", HttpAuth.response("SHA-256",
                "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html", nonce, "00000001", cnonce, "auth"));
    }

    @Test
    void rfc2069FormWithoutQopAsCamerasUseIt() {
        // H(HA1:nonce:HA2), computed independently: md5("939e7578ed9e3c518a452acee763bce9:dcd98b7102dd2f0e8b11d0f600bfb0c093:39aff3a2bab6126f332b942af96d3366")
        String ha1 = HttpAuth.hex("MD5", "Mufasa:testrealm@host.com:Circle Of Life");
        String ha2 = HttpAuth.hex("MD5", "GET:/dir/index.html");
        assertEquals("939e7578ed9e3c518a452acee763bce9", ha1);
        assertEquals("39aff3a2bab6126f332b942af96d3366", ha2);
        assertEquals(HttpAuth.hex("MD5", ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:" + ha2),
                HttpAuth.response(null, "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
                        "dcd98b7102dd2f0e8b11d0f600bfb0c093", null, null, null));
    }

    @Test
    void parsesSeveralChallengesAndQuotedCommas() {
        List<HttpAuth.Challenge> c = HttpAuth.parse(List.of(
                "Digest realm=\"IP Camera, Inc\", nonce=\"abc\", qop=\"auth,auth-int\", algorithm=MD5",
                "Basic realm=\"cam\""));
        assertEquals(2, c.size());
        assertEquals("digest", c.get(0).scheme());
        assertEquals("IP Camera, Inc", c.get(0).param("realm"));
        assertEquals("auth,auth-int", c.get(0).param("qop"));
        assertEquals(Map.of("realm", "cam"), c.get(1).params());
    }

    @Test
    void digestHeaderAnswersTheChallenge() {
        HttpAuth.Challenge c = new HttpAuth.Challenge("digest", Map.of("realm", "r", "nonce", "n", "qop", "auth", "opaque", "o"));
        String h = HttpAuth.digest(c, "DESCRIBE", "rtsp://cam/live", "admin", "pw", 1, "c0ffee");
        String expected = HttpAuth.response(null, "admin", "r", "pw", "DESCRIBE", "rtsp://cam/live", "n", "00000001", "c0ffee", "auth");
        assertTrue(h.startsWith("Digest username=\"admin\", realm=\"r\", nonce=\"n\", uri=\"rtsp://cam/live\""), h);
        assertTrue(h.contains("response=\"" + expected + "\""), h);
        assertTrue(h.contains("qop=auth, nc=00000001, cnonce=\"c0ffee\""), h);
        assertTrue(h.contains("opaque=\"o\""), h);
    }

    @Test
    void prefersDigestOverBasicAndSha256OverMd5AndRefusesUnknownSchemes() {
        List<HttpAuth.Challenge> both = HttpAuth.parse(List.of("Basic realm=\"x\"", "Digest realm=\"x\", nonce=\"n\""));
        assertTrue(HttpAuth.authorization(both, "DESCRIBE", "/", "u", "p").startsWith("Digest "));
        List<HttpAuth.Challenge> algs = HttpAuth.parse(List.of("Digest realm=\"x\", nonce=\"n\", algorithm=MD5",
                "Digest realm=\"x\", nonce=\"n\", algorithm=SHA-256"));
        assertTrue(HttpAuth.authorization(algs, "DESCRIBE", "/", "u", "p").contains("algorithm=SHA-256"));
        assertEquals("Basic dTpw", HttpAuth.authorization(HttpAuth.parse(List.of("Basic realm=\"x\"")), "GET", "/", "u", "p"));
        assertNull(HttpAuth.authorization(HttpAuth.parse(List.of("Negotiate")), "GET", "/", "u", "p"));
        assertNull(HttpAuth.authorization(HttpAuth.parse(List.of("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256")),
                "GET", "/", "u", "p"));
    }
}
