package org.syncready.controller.enroll;

/**
 * One enrollment code as the controller keeps it: never the code itself, only what it is for and what
 * became of it.
 *
 * @param id          stable id for lists and revocation ({@code ec-...}); not the code
 * @param classroomId the classroom a box enrolled with it joins
 * @param createdBy   who made it
 * @param usedAt      when a box redeemed it; null while unused
 * @param usedByBox   the box that redeemed it
 * @param revokedAt   when it was revoked; null if not
 */
public record EnrollmentCode(String id, String classroomId, String createdBy, long createdAt, long expiresAt,
                             Long usedAt, String usedByBox, Long revokedAt) {

    /** Where a code stands at {@code now}. */
    public enum State {
        PENDING, USED, EXPIRED, REVOKED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public State state(long now) {
        if (revokedAt != null) {
            return State.REVOKED;
        }
        if (usedAt != null) {
            return State.USED;
        }
        return now >= expiresAt ? State.EXPIRED : State.PENDING;
    }
}
