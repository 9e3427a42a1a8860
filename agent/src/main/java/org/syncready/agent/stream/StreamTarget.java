package org.syncready.agent.stream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A stream URL as the box pushes it, and what may be said about it: the reported form drops user
 * info and the query (where RTMP/SRT servers take passwords, tokens and stream keys), and whether
 * the server can be checked by a TCP connect (rtmp, rtmps, rtsp, http(s)) or not (srt, udp, rtp:
 * connectionless, reachability unknown from the box).
 */
public record StreamTarget(String scheme, String host, int port, String redacted) {

    public static StreamTarget parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + redactRaw(url));
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException("not a stream URL: " + redactRaw(url));
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() > 0 ? u.getPort() : defaultPort(scheme).orElse(-1);
        String redacted = scheme + "://" + (u.getUserInfo() == null ? "" : "***@") + u.getHost()
                + (u.getPort() > 0 ? ":" + u.getPort() : "") + (u.getRawPath() == null ? "" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?***");
        return new StreamTarget(scheme, u.getHost(), port, redacted);
    }

    /** True when a TCP connect to host:port tells whether the server is there. */
    public boolean tcpCheckable() {
        return port > 0 && switch (scheme) {
            case "rtmp", "rtmps", "rtmpt", "rtsp", "rtsps", "http", "https" -> true;
            default -> false;
        };
    }

    private static OptionalInt defaultPort(String scheme) {
        return switch (scheme) {
            case "rtmp", "rtmpt" -> OptionalInt.of(1935);
            case "rtmps", "https", "rtsps" -> OptionalInt.of(443);
            case "rtsp" -> OptionalInt.of(554);
            case "http" -> OptionalInt.of(80);
            default -> OptionalInt.empty();
        };
    }

    /** For error messages about a URL that did not even parse: keep only the scheme. */
    private static String redactRaw(String url) {
        int i = url.indexOf("://");
        return i < 0 ? "(unparseable)" : url.substring(0, i) + "://…";
    }
}
