package org.syncready.controller.alert;

import java.util.Locale;

/** How bad: a class will fail (CRITICAL: NOT_READY, a blocking incident, an offline box) or may (WARNING). */
public enum AlertLevel {
    CRITICAL, WARNING;

    /** True when this level passes a channel's minimum. */
    public boolean atLeast(AlertLevel minimum) {
        return ordinal() <= minimum.ordinal();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AlertLevel of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
