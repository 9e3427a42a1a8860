package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Whether the box is pushing its class stream; {@code target} never carries credentials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamStatus(@JsonProperty(required = true) boolean pushing, String target, Integer bitrateKbps, Long droppedFrames, String error) {
}
