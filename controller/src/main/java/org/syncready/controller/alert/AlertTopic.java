package org.syncready.controller.alert;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What an alert is about; each channel picks the topics it receives. */
public enum AlertTopic {
    /** A classroom NOT_READY or AT_RISK at a pre-class check (T-30, T-5, on demand), its reminders and its recovery. */
    READINESS,
    /** A session still NOT_READY at T-5, sent to the bureau naming the school. */
    ESCALATION,
    /** A problem that starts (and later ends) while a class runs. */
    INCIDENT,
    /** A box offline for longer than the set minutes outside class, with a class still to come today. */
    OFFLINE,
    /** A rollout paused or aborted by its thresholds. */
    ROLLOUT;

    /** What a school's channel gets unless told otherwise. */
    public static Set<AlertTopic> schoolDefaults() {
        return EnumSet.of(READINESS, INCIDENT, OFFLINE);
    }

    /** What a bureau channel gets unless told otherwise: escalations and rollouts, not every school's detail. */
    public static Set<AlertTopic> bureauDefaults() {
        return EnumSet.of(ESCALATION, ROLLOUT);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AlertTopic of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
