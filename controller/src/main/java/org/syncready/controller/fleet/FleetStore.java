package org.syncready.controller.fleet;

import java.util.List;
import java.util.Optional;

/**
 * Where {@link FleetRegistry} keeps schools, classrooms and boxes. Implemented in the store package
 * (SQLite) and by an in-memory fake in the tests. Every method blocks; a failure of the store is
 * thrown unchecked. An {@code add} answers false when the id is already taken in the store (by
 * another request or another controller node): the registry's memory may not know it yet.
 */
public interface FleetStore {

    /** A stored box with the SHA-256 of its secret (the secret itself is never kept). */
    record StoredBox(Box box, String secretHash) {
    }

    /** Everything registered, for the registry's memory at start. */
    record Registered(List<School> schools, List<Classroom> classrooms, List<StoredBox> boxes) {
    }

    Registered load();

    /** One stored box, for a node that meets a box registered on another node before its next refresh. */
    Optional<StoredBox> findBox(String boxId);

    boolean addSchool(School school, long createdAt);

    boolean addClassroom(Classroom classroom, long createdAt);

    boolean addBox(StoredBox box);

    /** Replaces a box's secret hash (rotation); false when there is no such box. */
    boolean replaceSecret(String boxId, String secretHash);

    /** Removes a box (revocation); its history rows stay until retention. False when there was no such box. */
    boolean removeBox(String boxId);
}
