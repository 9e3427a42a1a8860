package org.syncready.controller.account;

import java.util.List;
import java.util.Optional;

/**
 * Where users, API tokens and web sessions are kept. Implemented in the store package (SQLite) and by
 * an in-memory fake in the tests. Blocking: call it off the event loop. A failing store throws
 * unchecked ({@code StoreException}).
 */
public interface AccountStore {

    /** A user with the hash of their password. */
    record Credentials(User user, String passwordHash) {
        @Override
        public String toString() {
            return "Credentials[" + user.username() + "]";
        }
    }

    Optional<Credentials> user(String username);

    /** Every user, by name. */
    List<User> users();

    int userCount();

    /** Adds a user; false when the name is taken. */
    boolean insertUser(User user, String passwordHash);

    /** Replaces role, schools, display name and the disabled flag; false when there is no such user. */
    boolean updateUser(User user);

    void setPasswordHash(String username, String passwordHash, long changedAt);

    void insertToken(ApiToken token, String secretHash);

    Optional<ApiToken> tokenBySecretHash(String secretHash);

    Optional<ApiToken> token(String id);

    /** Tokens of {@code username} (every user's when null), newest first. */
    List<ApiToken> tokens(String username);

    /** Marks a token revoked; false when it was not found or already revoked. */
    boolean revokeToken(String id, long at, String by);

    void touchToken(String id, long at);

    void insertSession(WebSession session);

    Optional<WebSession> session(String idHash);

    void touchSession(String idHash, long at);

    void deleteSession(String idHash);

    /** Ends every session of {@code username} except {@code keepIdHash} (none kept when null); returns how many. */
    int deleteSessions(String username, String keepIdHash);

    /** Ends the oldest sessions of {@code username} beyond the newest {@code keep}. */
    int trimSessions(String username, int keep);

    /** Deletes sessions past their end or idle since before {@code idleSince}; returns how many. */
    int pruneSessions(long now, long idleSince);
}
