package org.syncready.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One value the box reads from the classroom's own equipment (a central controller, a power
 * sequencer, a display, an environment sensor) and checks against what it should be.
 *
 * @param name     the item's name in the box's configuration, unique on the box
 * @param role     what it is, e.g. {@code display-power}, {@code projector-lamp-hours}, {@code room-temperature}
 * @param state    ok, out of range, or unreachable
 * @param value    the value read: a number, a boolean or a text; null when unreachable
 * @param expected what the value should be, for people: {@code = true}, {@code 18..28}, {@code <= 2000}
 * @param unit     the value's unit, e.g. {@code °C}, {@code h}; null when it has none
 * @param source   where it was read: the server's URL without credentials and the node, e.g.
 *                 {@code opc.tcp://10.0.0.5:4840 ns=2;s=Display.Power}
 * @param error    why it is not ok, for people; null when ok
 * @param readTs   when the value was read, epoch ms (box clock); null when never read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EquipmentStatus(String name, String role, EquipmentState state, Object value, String expected,
                              String unit, String source, String error, Long readTs) {
    public EquipmentStatus {
        Check.text(name, "equipment[].name", 64);
        Check.text(role, "equipment[].role", 64);
        Check.present(state, "equipment[].state");
        if (value != null && !(value instanceof Number || value instanceof Boolean || value instanceof String)) {
            throw Check.invalid("equipment[].value", "must be a number, a boolean or a text");
        }
        if (value instanceof String text && text.length() > 256) {
            throw Check.invalid("equipment[].value", "must be at most 256 characters");
        }
    }
}
