package org.syncready.controller.alert;

import java.time.LocalTime;

/**
 * A school's daily quiet hours in the bureau's time zone ({@code from} 21:00 {@code to} 06:30 spans
 * midnight). Nothing about the school is sent then; what is still true when they end is sent then.
 */
public record QuietHours(String schoolId, LocalTime from, LocalTime to) {

    public boolean covers(LocalTime t) {
        if (from.equals(to)) {
            return false;
        }
        return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }
}
