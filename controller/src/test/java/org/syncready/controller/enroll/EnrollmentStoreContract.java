package org.syncready.controller.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link EnrollmentStore} does, run against the SQLite store and the in-memory fake. */
public abstract class EnrollmentStoreContract {
    private EnrollmentStore store;

    protected abstract EnrollmentStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    private static EnrollmentStore.StoredCode code(String id, String classroom, long createdAt, String hash) {
        return new EnrollmentStore.StoredCode(new EnrollmentCode(id, classroom, "tech", createdAt, createdAt + 1_000,
                null, null, null), hash);
    }

    @Test
    void codesLoadBackByClassroomAndAgeAndAreUsedOrRevokedOnce() {
        store.add(code("ec-1", "room-a", 100, "h1"));
        store.add(code("ec-2", "room-a", 200, "h2"));
        store.add(code("ec-3", "room-b", 300, "h3"));

        assertEquals(List.of("ec-2", "ec-1"), store.ofClassroom("room-a").stream().map(EnrollmentCode::id).toList());
        assertEquals(List.of("h2", "h3"), store.createdSince(200).stream().map(EnrollmentStore.StoredCode::codeHash).sorted().toList());

        assertTrue(store.markUsed("ec-1", "box-9", 150));
        assertFalse(store.markUsed("ec-1", "box-10", 160), "a code is used once");
        assertFalse(store.revoke("ec-1", 170), "a used code cannot be revoked");
        EnrollmentCode used = store.get("ec-1").orElseThrow();
        assertEquals(150L, used.usedAt());
        assertEquals("box-9", used.usedByBox());
        assertEquals(EnrollmentCode.State.USED, used.state(999));

        assertTrue(store.revoke("ec-2", 250));
        assertFalse(store.markUsed("ec-2", "box-11", 260), "a revoked code cannot be used");
        assertEquals(EnrollmentCode.State.REVOKED, store.get("ec-2").orElseThrow().state(260));
        assertFalse(store.revoke("nope", 1));
        assertTrue(store.get("nope").isEmpty());

        EnrollmentCode pending = store.get("ec-3").orElseThrow();
        assertEquals(EnrollmentCode.State.PENDING, pending.state(1_299));
        assertEquals(EnrollmentCode.State.EXPIRED, pending.state(1_300));
    }
}
