package org.syncready.controller.account;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a user may do. {@link #ADMIN} and {@link #BUREAU} see every school; {@link #SCHOOL_IT} and
 * {@link #TECHNICIAN} only the schools their account lists.
 */
public enum Role {
    /** Everything, including users. */
    ADMIN("admin"),
    /** Reads every school, reports; pushes nothing. */
    BUREAU("bureau"),
    /** Their schools: fleet, sessions, timetable import, readiness checks, self-tests. */
    SCHOOL_IT("school-it"),
    /** Their schools: box registration, configuration and rollouts, self-tests, commands. */
    TECHNICIAN("technician");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** The name in the API and the database: {@code admin}, {@code bureau}, {@code school-it}, {@code technician}. */
    public String label() {
        return label;
    }

    /** True for the roles limited to the schools their account lists. */
    public boolean scoped() {
        return this == SCHOOL_IT || this == TECHNICIAN;
    }

    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(r -> r.label.equals(t)).findFirst();
    }

    @Override
    public String toString() {
        return label;
    }
}
