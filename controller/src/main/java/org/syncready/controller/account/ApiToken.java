package org.syncready.controller.account;

/**
 * An API token as stored: never its secret, only the secret's SHA-256 (the secret is 256 random
 * bits, so a fast hash is enough) and its first characters, so people can tell their tokens apart.
 *
 * @param id        {@code t-} and 12 characters; names the token in lists, revocations and the audit log
 * @param hint      the secret's first 8 characters after {@code srt_}
 * @param createdBy the user who created it (the owner, or an admin)
 * @param revokedAt epoch ms, or null while not revoked
 */
public record ApiToken(String id, String username, String name, String hint, long createdAt, String createdBy,
                       long expiresAt, Long revokedAt, String revokedBy, Long lastUsedAt) {

    /** {@code active}, {@code expired} or {@code revoked}. */
    public String state(long now) {
        if (revokedAt != null) {
            return "revoked";
        }
        return now >= expiresAt ? "expired" : "active";
    }
}
