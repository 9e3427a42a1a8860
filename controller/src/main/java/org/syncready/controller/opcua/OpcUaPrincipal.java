package org.syncready.controller.opcua;

import java.util.Collection;
import java.util.Set;

/**
 * A logged-in OPC UA user: the same roles and school scopes as the HTTP API. Admin and bureau see
 * every school; school IT staff and technicians see only theirs. Bureau staff only read; the others
 * may run self-tests and readiness checks in the schools they see.
 *
 * @param schools the schools a scoped role sees (ignored for admin and bureau)
 */
public record OpcUaPrincipal(String username, Role role, Set<String> schools) {
    public OpcUaPrincipal {
        schools = Set.copyOf(schools);
    }

    /** The roles of SyncReady's accounts. */
    public enum Role {
        ADMIN, BUREAU, SCHOOL_IT, TECHNICIAN;

        boolean scoped() {
            return this == SCHOOL_IT || this == TECHNICIAN;
        }
    }

    /** True when this user sees {@code schoolId} (null: a node of no school, seen by everyone). */
    public boolean sees(String schoolId) {
        return !role.scoped() || schoolId == null || schools.contains(schoolId);
    }

    /** True when this user sees at least one of the schools (a session seen by any of its schools' staff). */
    public boolean seesAny(Collection<String> schoolIds) {
        return !role.scoped() || schoolIds.stream().anyMatch(schools::contains);
    }

    /** Self-tests and on-demand checks: as {@code POST /api/v1/sessions/{id}/check}, not for bureau staff. */
    public boolean acts() {
        return role != Role.BUREAU;
    }
}
