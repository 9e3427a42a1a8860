package org.syncready.controller.enroll;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link EnrollmentStore} in memory, for tests that need codes but not a database. */
public final class InMemoryEnrollmentStore implements EnrollmentStore {
    private final Map<String, StoredCode> codes = new LinkedHashMap<>();

    @Override
    public synchronized void add(StoredCode code) {
        if (codes.putIfAbsent(code.code().id(), code) != null) {
            throw new IllegalStateException("code id taken: " + code.code().id());
        }
    }

    @Override
    public synchronized List<StoredCode> createdSince(long since) {
        return codes.values().stream().filter(c -> c.code().createdAt() >= since).toList();
    }

    @Override
    public synchronized List<EnrollmentCode> ofClassroom(String classroomId) {
        return codes.values().stream().map(StoredCode::code).filter(c -> c.classroomId().equals(classroomId))
                .sorted(Comparator.comparingLong(EnrollmentCode::createdAt).reversed().thenComparing(EnrollmentCode::id))
                .toList();
    }

    @Override
    public synchronized Optional<EnrollmentCode> get(String id) {
        return Optional.ofNullable(codes.get(id)).map(StoredCode::code);
    }

    @Override
    public synchronized boolean markUsed(String id, String boxId, long at) {
        StoredCode s = codes.get(id);
        if (s == null || s.code().usedAt() != null || s.code().revokedAt() != null) {
            return false;
        }
        EnrollmentCode c = s.code();
        codes.put(id, new StoredCode(new EnrollmentCode(c.id(), c.classroomId(), c.createdBy(), c.createdAt(), c.expiresAt(),
                at, boxId, null), s.codeHash()));
        return true;
    }

    @Override
    public synchronized boolean revoke(String id, long at) {
        StoredCode s = codes.get(id);
        if (s == null || s.code().usedAt() != null || s.code().revokedAt() != null) {
            return false;
        }
        EnrollmentCode c = s.code();
        codes.put(id, new StoredCode(new EnrollmentCode(c.id(), c.classroomId(), c.createdBy(), c.createdAt(), c.expiresAt(),
                null, null, at), s.codeHash()));
        return true;
    }
}
