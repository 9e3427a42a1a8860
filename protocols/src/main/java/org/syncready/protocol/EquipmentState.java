package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the agent made of one piece of classroom equipment it reads (e.g. over OPC UA). */
public enum EquipmentState {
    /** Read, and the value is what it should be. */
    OK("ok"),
    /** Read, and the value is not what it should be (a display off, a room too warm, a lamp worn out). */
    OUT_OF_RANGE("out-of-range"),
    /** Could not be read: the equipment's server did not answer, refused the login, or has no such value. */
    UNREACHABLE("unreachable");

    private final String label;

    EquipmentState(String label) {
        this.label = label;
    }

    @JsonValue
    @Override
    public String toString() {
        return label;
    }

    @JsonCreator
    public static EquipmentState of(String value) {
        return Enums.parse(EquipmentState.class, value, "equipment[].state");
    }
}
