package org.syncready.controller.rollout;

import java.util.Locale;

/** Where one box is in a rollout. */
public enum BoxState {
    /** Not sent yet: its wave has not started, or it waits for the time window. */
    PENDING,
    /** In class or inside the guard window before one: sent when the guard frees it. */
    DEFERRED,
    /** Published; waiting for the box's report. */
    SENT,
    APPLIED,
    REJECTED,
    ROLLED_BACK,
    /** No report within the per-box timeout. */
    TIMED_OUT;

    public boolean terminal() {
        return this == APPLIED || this == REJECTED || this == ROLLED_BACK || this == TIMED_OUT;
    }

    public boolean failed() {
        return this == REJECTED || this == ROLLED_BACK || this == TIMED_OUT;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of a {@link #label()}. */
    public static BoxState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
