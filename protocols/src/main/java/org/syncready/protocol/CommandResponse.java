package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** The agent's answer to a {@link CommandRequest}: {@code result} when ok, {@code error} when not. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResponse(int v, String boxId, long ts, String bootId, @JsonProperty(required = true) long seq, String id, @JsonProperty(required = true) boolean ok,
                              JsonNode result, String error) implements AgentMessage {
    public CommandResponse {
        Check.agentEnvelope(v, boxId, ts, bootId, seq);
        Check.text(id, "id", 64);
        if (!ok && (error == null || error.isBlank())) {
            throw Check.missing("error");
        }
    }
}
