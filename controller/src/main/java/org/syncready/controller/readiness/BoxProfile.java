package org.syncready.controller.readiness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What readiness needs from the configuration profile a box should run: the video bitrate of each
 * stream it sends (for the uplink and disk it needs) and the server it pushes to (the session's stream
 * path). Read from the body of its desired configuration.
 *
 * @param profile      {@code model/name}, for sentences
 * @param version      the desired configuration version, or null
 * @param bitrateKbps  {@code video.bitrateKbps}
 * @param pushServer   the server of {@code stream.pushUrl}; null when the profile has none
 */
public record BoxProfile(String profile, Long version, int bitrateKbps, StreamServer pushServer) {

    /** Reads a configuration body (firmware-configs' profile format); empty when it has no video bitrate. */
    public static Optional<BoxProfile> fromBody(String profile, Long version, JsonNode body) {
        if (body == null) {
            return Optional.empty();
        }
        int bitrate = body.path("video").path("bitrateKbps").asInt(0);
        if (bitrate <= 0) {
            return Optional.empty();
        }
        StreamServer push = StreamServer.ofUrl(body.path("stream").path("pushUrl").asText(null)).orElse(null);
        return Optional.of(new BoxProfile(profile == null ? body.path("model").asText("?") + "/" + body.path("name").asText("?")
                : profile, version, bitrate, push));
    }
}
