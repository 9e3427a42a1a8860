package org.syncready.controller.enroll;

import java.util.List;
import java.util.Optional;

/**
 * Where enrollment codes are kept (as keyed hashes). Implemented in the store package (SQLite) and by
 * an in-memory fake in the tests. Every method blocks; a failure of the store is thrown unchecked.
 */
public interface EnrollmentStore {

    /** A code with the keyed hash of its text. */
    record StoredCode(EnrollmentCode code, String codeHash) {
    }

    void add(StoredCode code);

    /** Codes made at or after {@code since}, with their hashes: the ones a redemption compares against. */
    List<StoredCode> createdSince(long since);

    /** A classroom's codes, newest first. */
    List<EnrollmentCode> ofClassroom(String classroomId);

    Optional<EnrollmentCode> get(String id);

    /** Marks a code used by {@code boxId}; false when it was already used or revoked (a concurrent redemption won). */
    boolean markUsed(String id, String boxId, long at);

    /** Revokes an unused code; false when it is used, revoked already, or unknown. */
    boolean revoke(String id, long at);
}
