package org.syncready.controller.fleet;

import java.util.Locale;

/** Whether a box is connected to the broker, as its state messages and Will say. */
public enum Presence {
    ONLINE, OFFLINE, NEVER_SEEN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
