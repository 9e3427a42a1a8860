package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A command for one box; the reply carries the same {@code id} (and, over MQTT 5, the request's
 * correlation data on its response topic). Known types are in {@link CommandTypes}; an agent answers
 * an unknown type with an error rather than ignoring it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandRequest(int v, String boxId, long ts, String id, String type, JsonNode args) implements Message {
    public CommandRequest {
        Check.envelope(v, boxId, ts);
        Check.text(id, "id", 64);
        Check.text(type, "type", 64);
    }
}
