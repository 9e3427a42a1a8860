package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the agent did with a desired configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigReported(int v, String boxId, long ts, String bootId, @JsonProperty(required = true) long seq, @JsonProperty(required = true) long version,
                             Result result, String error) implements AgentMessage {

    public enum Result {
        APPLIED, REJECTED, ROLLED_BACK;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Result of(String value) {
            return Enums.parse(Result.class, value, "result");
        }
    }

    public ConfigReported {
        Check.agentEnvelope(v, boxId, ts, bootId, seq);
        Check.present(result, "result");
        if (result != Result.APPLIED && (error == null || error.isBlank())) {
            throw Check.missing("error");
        }
    }
}
