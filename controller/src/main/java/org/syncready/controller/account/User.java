package org.syncready.controller.account;

import java.util.Set;
import java.util.TreeSet;

/**
 * A person (or a script's identity) who logs in. The password hash is not part of it: only the store
 * and {@link Accounts} ever hold one.
 *
 * @param username          lower case, {@code [a-z0-9][a-z0-9._@-]{0,63}}
 * @param schools           the schools a scoped role ({@link Role#scoped()}) acts in; empty for the others
 * @param displayName       optional, for people reading the audit log
 * @param passwordChangedAt epoch ms
 */
public record User(String username, Role role, Set<String> schools, String displayName, long createdAt,
                   long passwordChangedAt, boolean disabled) {
    public User {
        schools = schools == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(schools));
    }

    /** True when this user acts in {@code schoolId}: admin and bureau everywhere, the others in their own schools. */
    public boolean sees(String schoolId) {
        return !role.scoped() || (schoolId != null && schools.contains(schoolId));
    }
}
