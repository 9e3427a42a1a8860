package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether the box is pushing its class stream; {@code target} never carries credentials.
 * {@code targetReachable}: the stream server answered a TCP connect (rtmp, rtsp); null when that
 * cannot be told from the box (srt, udp) or was not checked.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamStatus(@JsonProperty(required = true) boolean pushing, String target, Integer bitrateKbps,
                           Long droppedFrames, String error, Boolean targetReachable) {

    /** A status without a reachability check (simulated boxes, older agents). */
    public StreamStatus(boolean pushing, String target, Integer bitrateKbps, Long droppedFrames, String error) {
        this(pushing, target, bitrateKbps, droppedFrames, error, null);
    }
}
