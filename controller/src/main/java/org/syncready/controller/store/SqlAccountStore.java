package org.syncready.controller.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.syncready.controller.account.AccountStore;
import org.syncready.controller.account.ApiToken;
import org.syncready.controller.account.Role;
import org.syncready.controller.account.User;
import org.syncready.controller.account.WebSession;

/** Users, tokens and sessions in SQLite (tables of migration V5). */
public final class SqlAccountStore implements AccountStore {
    private static final String USER_COLUMNS = "username, role, display_name, created_at, password_changed_at, disabled, password_hash";
    private static final String TOKEN_COLUMNS = "id, username, name, hint, created_at, created_by, expires_at, revoked_at, revoked_by, last_used_at";
    private static final String SESSION_COLUMNS = "id_hash, username, csrf_token, created_at, expires_at, last_seen_at, remote_address";

    private final Jdbc jdbc;

    public SqlAccountStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    // ------------------------------------------------------------------ users

    @Override
    public Optional<Credentials> user(String username) {
        return jdbc.withConnection("read user", c -> {
            List<Credentials> found = Jdbc.list(c, "SELECT " + USER_COLUMNS + " FROM app_user WHERE username = ?",
                    rs -> new Credentials(user(rs, schools(c, rs.getString(1))), rs.getString(7)), username);
            return found.stream().findFirst();
        });
    }

    @Override
    public List<User> users() {
        return jdbc.withConnection("list users", c -> {
            Map<String, Set<String>> schools = new LinkedHashMap<>();
            for (String[] row : Jdbc.list(c, "SELECT username, school_id FROM user_school", rs -> new String[] {rs.getString(1), rs.getString(2)})) {
                schools.computeIfAbsent(row[0], k -> new HashSet<>()).add(row[1]);
            }
            return Jdbc.list(c, "SELECT " + USER_COLUMNS + " FROM app_user ORDER BY username",
                    rs -> user(rs, schools.getOrDefault(rs.getString(1), Set.of())));
        });
    }

    @Override
    public int userCount() {
        return jdbc.first("SELECT count(*) FROM app_user", rs -> rs.getInt(1)).orElse(0);
    }

    @Override
    public boolean insertUser(User user, String passwordHash) {
        return jdbc.inTransaction("insert user", c -> {
            // ON CONFLICT rather than catching the error: in PostgreSQL a failed statement spoils its transaction.
            if (Jdbc.update(c, "INSERT INTO app_user(username, role, password_hash, display_name, created_at, password_changed_at, disabled)"
                            + " VALUES (?,?,?,?,?,?,?) ON CONFLICT (username) DO NOTHING", user.username(), user.role().label(), passwordHash,
                    user.displayName(), user.createdAt(), user.passwordChangedAt(), user.disabled() ? 1 : 0) == 0) {
                return false;
            }
            putSchools(c, user);
            return true;
        });
    }

    @Override
    public boolean updateUser(User user) {
        return jdbc.inTransaction("update user", c -> {
            int n = Jdbc.update(c, "UPDATE app_user SET role = ?, display_name = ?, disabled = ? WHERE username = ?",
                    user.role().label(), user.displayName(), user.disabled() ? 1 : 0, user.username());
            if (n == 0) {
                return false;
            }
            Jdbc.update(c, "DELETE FROM user_school WHERE username = ?", user.username());
            putSchools(c, user);
            return true;
        });
    }

    @Override
    public void setPasswordHash(String username, String passwordHash, long changedAt) {
        jdbc.update("UPDATE app_user SET password_hash = ?, password_changed_at = ? WHERE username = ?",
                passwordHash, changedAt, username);
    }

    // ------------------------------------------------------------------ tokens

    @Override
    public void insertToken(ApiToken t, String secretHash) {
        jdbc.update("INSERT INTO api_token(id, username, name, secret_hash, hint, created_at, created_by,"
                        + " expires_at) VALUES (?,?,?,?,?,?,?,?)", t.id(), t.username(), t.name(), secretHash, t.hint(),
                t.createdAt(), t.createdBy(), t.expiresAt());
    }

    @Override
    public Optional<ApiToken> tokenBySecretHash(String secretHash) {
        return jdbc.first("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE secret_hash = ?", SqlAccountStore::token, secretHash);
    }

    @Override
    public Optional<ApiToken> token(String id) {
        return jdbc.first("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE id = ?", SqlAccountStore::token, id);
    }

    @Override
    public List<ApiToken> tokens(String username) {
        return username == null
                ? jdbc.list("SELECT " + TOKEN_COLUMNS + " FROM api_token ORDER BY created_at DESC, id", SqlAccountStore::token)
                : jdbc.list("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE username = ? ORDER BY created_at DESC, id",
                SqlAccountStore::token, username);
    }

    @Override
    public boolean revokeToken(String id, long at, String by) {
        return jdbc.update("UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                at, by, id) > 0;
    }

    @Override
    public void touchToken(String id, long at) {
        jdbc.update("UPDATE api_token SET last_used_at = ? WHERE id = ?", at, id);
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public void insertSession(WebSession s) {
        jdbc.update("INSERT INTO web_session(" + SESSION_COLUMNS + ") VALUES (?,?,?,?,?,?,?)",
                s.idHash(), s.username(), s.csrfToken(), s.createdAt(), s.expiresAt(), s.lastSeenAt(), s.remoteAddress());
    }

    @Override
    public Optional<WebSession> session(String idHash) {
        return jdbc.first("SELECT " + SESSION_COLUMNS + " FROM web_session WHERE id_hash = ?",
                rs -> new WebSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        rs.getString(7)), idHash);
    }

    @Override
    public void touchSession(String idHash, long at) {
        jdbc.update("UPDATE web_session SET last_seen_at = ? WHERE id_hash = ?", at, idHash);
    }

    @Override
    public void deleteSession(String idHash) {
        jdbc.update("DELETE FROM web_session WHERE id_hash = ?", idHash);
    }

    @Override
    public int deleteSessions(String username, String keepIdHash) {
        return jdbc.update("DELETE FROM web_session WHERE username = ? AND id_hash IS DISTINCT FROM ?",
                username, keepIdHash);
    }

    @Override
    public int trimSessions(String username, int keep) {
        return jdbc.update("DELETE FROM web_session WHERE username = ? AND id_hash NOT IN"
                + " (SELECT id_hash FROM web_session WHERE username = ? ORDER BY created_at DESC LIMIT ?)", username, username, keep);
    }

    @Override
    public int pruneSessions(long now, long idleSince) {
        return jdbc.update("DELETE FROM web_session WHERE expires_at <= ? OR last_seen_at <= ?", now, idleSince);
    }

    // ------------------------------------------------------------------ plumbing

    private static User user(ResultSet rs, Set<String> schools) throws SQLException {
        return new User(rs.getString(1), Role.parse(rs.getString(2)).orElseThrow(), schools, rs.getString(3), rs.getLong(4),
                rs.getLong(5), rs.getInt(6) != 0);
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                rs.getLong(7), Jdbc.nullableLong(rs, 8), rs.getString(9), Jdbc.nullableLong(rs, 10));
    }

    private static Set<String> schools(Connection c, String username) throws SQLException {
        return new HashSet<>(Jdbc.list(c, "SELECT school_id FROM user_school WHERE username = ?", rs -> rs.getString(1), username));
    }

    private static void putSchools(Connection c, User user) throws SQLException {
        for (String school : user.schools()) {
            Jdbc.update(c, "INSERT INTO user_school(username, school_id) VALUES (?,?)", user.username(), school);
        }
    }
}
