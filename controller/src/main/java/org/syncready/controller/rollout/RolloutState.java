package org.syncready.controller.rollout;

import java.util.Locale;

/** Where a rollout is. Running and paused rollouts are active: their boxes cannot join another one. */
public enum RolloutState {
    RUNNING, PAUSED, COMPLETED, ABORTED, ROLLED_BACK;

    public boolean active() {
        return this == RUNNING || this == PAUSED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of a {@link #label()}. */
    public static RolloutState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
