package org.syncready.controller.readiness;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.syncready.protocol.NetworkTarget;

/**
 * The server a session's stream goes through: the lead box pushes to it, the remote boxes pull from
 * it. Only host and port: credentials and stream keys never leave the profile.
 */
public record StreamServer(String host, int port) {
    public StreamServer {
        host = host.toLowerCase(Locale.ROOT);
    }

    /** The server of a push URL ({@code rtmp://host[:port]/app/key}), default port by scheme; empty when unusable. */
    public static Optional<StreamServer> ofUrl(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (u.getScheme() == null || u.getHost() == null) {
            return Optional.empty();
        }
        int port = u.getPort() > 0 ? u.getPort() : switch (u.getScheme().toLowerCase(Locale.ROOT)) {
            case "rtmp", "rtmpt" -> 1935;
            case "rtmps", "https", "rtsps" -> 443;
            case "rtsp" -> 554;
            case "http" -> 80;
            default -> -1;
        };
        return port > 0 ? Optional.of(new StreamServer(u.getHost(), port)) : Optional.empty();
    }

    /** Whether a box's probe target is this server. */
    public boolean is(NetworkTarget t) {
        return t.port() == port && t.host().equalsIgnoreCase(host);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** Protocol 6.2: the stream servers the box probes in the self-test and keeps probing until the session ends; null for none. */
    public static com.fasterxml.jackson.databind.JsonNode selftestArgs(com.fasterxml.jackson.databind.ObjectMapper json,
                                                                        java.util.List<StreamServer> servers, java.time.Duration keep) {
        if (servers.isEmpty()) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode args = json.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode targets = args.putArray("targets");
        for (StreamServer s : servers) {
            targets.addObject().put("name", "stream").put("host", s.host()).put("port", s.port());
        }
        args.put("targetsKeepS", Math.min(org.syncready.controller.schedule.SessionStore.MAX_DURATION.toSeconds(),
                Math.max(0, keep.toSeconds())));
        return args;
    }
}
