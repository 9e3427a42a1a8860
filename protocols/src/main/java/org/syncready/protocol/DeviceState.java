package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Health of one camera or microphone. */
public enum DeviceState {
    OK, DEGRADED, FAULT, ABSENT;

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DeviceState of(String value) {
        return Enums.parse(DeviceState.class, value, "state");
    }
}
