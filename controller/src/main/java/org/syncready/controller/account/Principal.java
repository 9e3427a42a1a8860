package org.syncready.controller.account;

import java.util.Set;

/**
 * Who is making a request, and how they proved it.
 *
 * @param credentialId the token's id for {@link Method#TOKEN}; the session's id hash for {@link Method#SESSION}
 * @param csrfToken    for {@link Method#SESSION} only: what a state-changing request must echo in
 *                     {@code X-CSRF-Token}
 */
public record Principal(User user, Method method, String credentialId, String csrfToken) {

    /** How the request was authenticated. */
    public enum Method {
        /** {@code Authorization: Bearer} with an API token. */
        TOKEN("token"),
        /** HTTP Basic with the user's password. */
        PASSWORD("password"),
        /** The web console's session cookie. */
        SESSION("session");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public String username() {
        return user.username();
    }

    public Role role() {
        return user.role();
    }

    public Set<String> schools() {
        return user.schools();
    }

    /** True when the caller acts in {@code schoolId}. */
    public boolean sees(String schoolId) {
        return user.sees(schoolId);
    }

    /** True when the caller acts in every one of {@code schoolIds}. */
    public boolean seesAll(java.util.Collection<String> schoolIds) {
        return schoolIds.stream().allMatch(this::sees);
    }

    /** True when the caller acts in at least one of {@code schoolIds}. */
    public boolean seesAny(java.util.Collection<String> schoolIds) {
        return schoolIds.stream().anyMatch(this::sees);
    }
}
