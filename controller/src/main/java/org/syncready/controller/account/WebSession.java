package org.syncready.controller.account;

/**
 * A web console session as stored: the cookie's SHA-256, never the cookie itself.
 *
 * @param idHash     SHA-256 (hex) of the cookie value
 * @param csrfToken  what state-changing requests made with the cookie must send in {@code X-CSRF-Token}
 * @param expiresAt  absolute end (epoch ms), however active the session is
 * @param lastSeenAt last request (epoch ms), for the idle timeout; updated at most once a minute
 */
public record WebSession(String idHash, String username, String csrfToken, long createdAt, long expiresAt,
                         long lastSeenAt, String remoteAddress) {
    @Override
    public String toString() {
        return "WebSession[" + username + ", created " + createdAt + "]";
    }
}
