package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Presence of a box, retained; the MQTT Will publishes the offline form. {@code conn} counts the
 * agent's connections within one boot, so a late Will from an old connection never hides a newer
 * "online". State messages do not advance {@code seq}: they repeat the last data seq.
 */
public record StateMessage(int v, String boxId, long ts, String bootId, @JsonProperty(required = true) long seq, @JsonProperty(required = true) int conn, Presence state)
        implements AgentMessage {

    public enum Presence {
        ONLINE, OFFLINE;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Presence of(String value) {
            return Enums.parse(Presence.class, value, "state");
        }
    }

    public StateMessage {
        Check.agentEnvelope(v, boxId, ts, bootId, seq);
        Check.present(state, "state");
        if (conn < 0) {
            throw Check.invalid("conn", "must be >= 0");
        }
    }
}
