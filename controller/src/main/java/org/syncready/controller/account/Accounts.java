package org.syncready.controller.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.refusal.Refusal;

/**
 * Users, their passwords, API tokens and web sessions: who may log in, and who a credential belongs
 * to. Blocking (the store, and Argon2 hashing that takes tens of milliseconds): call it from worker
 * threads, never from an event loop.
 *
 * <p>Passwords are checked under a semaphore of {@link Settings#concurrentHashes()} permits, since each
 * check holds 19 MiB for its duration; a login that cannot get one within 10 s is refused as
 * unavailable. Failed logins are slowed per user name and per source address
 * ({@link AttemptThrottle}); answers never tell whether a user exists, and an unknown user costs the
 * same hash as a known one.
 */
public final class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
    private static final Pattern TOKEN_NAME = Pattern.compile("[\\p{L}\\p{N} ._:@/()-]{1,64}");
    /** {@code srt_} and 43 base64url characters: 256 random bits. */
    private static final Pattern TOKEN_SECRET = Pattern.compile("srt_[A-Za-z0-9_-]{43}");
    private static final Pattern SESSION_COOKIE = Pattern.compile("[A-Za-z0-9_-]{43}");
    public static final int MIN_PASSWORD = 10;
    public static final int MAX_PASSWORD = 256;
    public static final String WRONG_CREDENTIALS = "wrong user name or password / 用户名或密码错误";

    /**
     * @param sessionLifetime   a web session ends this long after login, however active
     * @param sessionIdle       ... or after this long without a request
     * @param maxSessions       sessions kept per user (the oldest end first)
     * @param defaultTokenLife  a token's life when the request names none
     * @param maxTokenLife      the longest life a token may get
     * @param maxActiveTokens   active tokens per user
     * @param concurrentHashes  password checks running at once
     * @param perUser           failed-login delay per user name
     * @param perSource         failed-login delay per source address
     */
    public record Settings(Duration sessionLifetime, Duration sessionIdle, int maxSessions, Duration defaultTokenLife,
                           Duration maxTokenLife, int maxActiveTokens, int concurrentHashes, PasswordHasher.Cost cost,
                           AttemptThrottle.Rule perUser, AttemptThrottle.Rule perSource) {
        public static final Settings DEFAULT = new Settings(Duration.ofHours(12), Duration.ofHours(2), 10,
                Duration.ofDays(90), Duration.ofDays(366), 100, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                PasswordHasher.Cost.DEFAULT,
                new AttemptThrottle.Rule(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15)),
                new AttemptThrottle.Rule(20, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(15)));
    }

    /** What a first start did about the {@code admin} user. */
    public record FirstAdmin(boolean created, String generatedPassword) {
        @Override
        public String toString() {
            return "FirstAdmin[created=" + created + "]";
        }
    }

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final Predicate<String> schoolExists;
    private final Settings settings;
    private final AttemptThrottle perUser;
    private final AttemptThrottle perSource;
    private final Semaphore hashing;
    private final SecureRandom random = new SecureRandom();
    /** Checked against when the user does not exist, so an unknown name costs what a known one does. */
    private final String decoyHash;

    public Accounts(AccountStore store, Clock clock, Predicate<String> schoolExists, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.schoolExists = schoolExists;
        this.settings = settings;
        this.hasher = new PasswordHasher(settings.cost());
        this.perUser = new AttemptThrottle(settings.perUser(), 100_000, clock);
        this.perSource = new AttemptThrottle(settings.perSource(), 100_000, clock);
        this.hashing = new Semaphore(settings.concurrentHashes(), true);
        this.decoyHash = hasher.hash(randomText(24));
    }

    // ------------------------------------------------------------------ authentication

    /**
     * Checks a user name and password from {@code source} (the client's address), for the login page
     * and HTTP Basic alike. Throttled per user name and per source before the password is checked.
     */
    public Authentication login(String username, String password, String source) {
        String name = normalize(username);
        String userKey = "u:" + (name.length() > 64 ? name.substring(0, 64) : name);
        String sourceKey = "s:" + source;
        Duration wait = max(perUser.wait(userKey), perSource.wait(sourceKey));
        if (!wait.isZero()) {
            return new Authentication.Throttled(wait);
        }
        Optional<AccountStore.Credentials> creds = USERNAME.matcher(name).matches() ? store.user(name) : Optional.empty();
        boolean ok = password != null && password.length() <= MAX_PASSWORD
                && verify(password, creds.map(AccountStore.Credentials::passwordHash).orElse(decoyHash))
                && creds.isPresent() && !creds.get().user().disabled();
        if (!ok) {
            Duration u = perUser.failed(userKey);
            Duration s = perSource.failed(sourceKey);
            if (!u.isZero() || !s.isZero()) {
                log.warn("login failures: user={} source={} ({} / {} in a row); next attempt in {} s", safe(name), source,
                        perUser.failures(userKey), perSource.failures(sourceKey), max(u, s).toSeconds());
            }
            return new Authentication.Denied("wrong_credentials", WRONG_CREDENTIALS);
        }
        perUser.succeeded(userKey);
        User user = creds.get().user();
        if (hasher.outdated(creds.get().passwordHash())) {
            store.setPasswordHash(user.username(), hash(password), user.passwordChangedAt());
        }
        return new Authentication.Authenticated(new Principal(user, Principal.Method.PASSWORD, null, null));
    }

    /** Checks an API token ({@code Authorization: Bearer srt_...}). */
    public Authentication bearer(String secret) {
        if (secret == null || !TOKEN_SECRET.matcher(secret).matches()) {
            return new Authentication.Denied("token_unknown", "unknown or malformed token / 令牌无效");
        }
        Optional<ApiToken> found = store.tokenBySecretHash(sha256(secret));
        if (found.isEmpty()) {
            return new Authentication.Denied("token_unknown", "unknown or malformed token / 令牌无效");
        }
        ApiToken t = found.get();
        long now = clock.millis();
        if (t.revokedAt() != null) {
            return new Authentication.Denied("token_revoked", "token " + t.id() + " was revoked / 令牌已被吊销");
        }
        if (now >= t.expiresAt()) {
            return new Authentication.Denied("token_expired", "token " + t.id() + " expired at "
                    + Instant.ofEpochMilli(t.expiresAt()) + " / 令牌已过期");
        }
        Optional<User> user = store.user(t.username()).map(AccountStore.Credentials::user).filter(u -> !u.disabled());
        if (user.isEmpty()) {
            return new Authentication.Denied("user_disabled", "the token's user is disabled / 该令牌的用户已停用");
        }
        // Written at most every 5 minutes: a script polling every second must not turn reads into writes.
        if (t.lastUsedAt() == null || now - t.lastUsedAt() > 300_000) {
            store.touchToken(t.id(), now);
        }
        return new Authentication.Authenticated(new Principal(user.get(), Principal.Method.TOKEN, t.id(), null));
    }

    /** Checks a web session cookie; an ended session is deleted. */
    public Authentication sessionCookie(String cookie) {
        if (cookie == null || !SESSION_COOKIE.matcher(cookie).matches()) {
            return new Authentication.Denied("session_ended", "not logged in, or the session has ended / 会话已结束，请重新登录");
        }
        String idHash = sha256(cookie);
        Optional<WebSession> found = store.session(idHash);
        long now = clock.millis();
        if (found.isEmpty() || now >= found.get().expiresAt()
                || now - found.get().lastSeenAt() >= settings.sessionIdle().toMillis()) {
            found.ifPresent(s -> store.deleteSession(idHash));
            return new Authentication.Denied("session_ended", "not logged in, or the session has ended / 会话已结束，请重新登录");
        }
        WebSession s = found.get();
        Optional<User> user = store.user(s.username()).map(AccountStore.Credentials::user).filter(u -> !u.disabled());
        if (user.isEmpty()) {
            store.deleteSession(idHash);
            return new Authentication.Denied("user_disabled", "this user is disabled / 该用户已停用");
        }
        if (now - s.lastSeenAt() > 60_000) {
            store.touchSession(idHash, now);
        }
        return new Authentication.Authenticated(new Principal(user.get(), Principal.Method.SESSION, idHash, s.csrfToken()));
    }

    /** Starts a web session for a user who just logged in; the user's oldest sessions beyond the limit end. */
    public NewSession startSession(User user, String source) {
        String cookie = randomText(32);
        long now = clock.millis();
        WebSession s = new WebSession(sha256(cookie), user.username(), randomText(32), now,
                now + settings.sessionLifetime().toMillis(), now, source);
        store.insertSession(s);
        store.trimSessions(user.username(), settings.maxSessions());
        return new NewSession(s, cookie, user);
    }

    public void endSession(String idHash) {
        store.deleteSession(idHash);
    }

    /** Deletes ended sessions (housekeeping); returns how many. */
    public int pruneSessions() {
        long now = clock.millis();
        return store.pruneSessions(now, now - settings.sessionIdle().toMillis());
    }

    public Settings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ users

    public List<User> users() {
        return store.users();
    }

    public Optional<User> user(String username) {
        return store.user(normalize(username)).map(AccountStore.Credentials::user);
    }

    /** Creates a user; refused (naming the field) for a bad name, role, school list or password, or a taken name. */
    public User createUser(String username, Role role, Set<String> schools, String displayName, String password) {
        String name = normalize(username);
        List<Refusal.Problem> problems = new ArrayList<>();
        if (!USERNAME.matcher(name).matches()) {
            problems.add(problem("/username", "must be 1-64 lower-case letters, digits or ._@- starting with a letter or digit"));
        }
        checkRole(role, schools, problems);
        checkDisplayName(displayName, problems);
        checkPassword(name, password, "/password", problems);
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
        long now = clock.millis();
        User user = new User(name, role, schools, blankToNull(displayName), now, now, false);
        if (!store.insertUser(user, hash(password))) {
            throw Refusal.conflict("user '" + name + "' already exists / 用户已存在");
        }
        log.info("user={} created with role {} schools {}", name, role, user.schools());
        return user;
    }

    /**
     * What an admin changes about a user; null fields stay as they are.
     *
     * @param schools replaces the whole list
     */
    public record UserChange(Role role, Set<String> schools, String displayName, Boolean disabled) {
    }

    /**
     * Changes a user's role, schools, display name or disabled flag. Disabling ends their sessions (their
     * tokens are refused while disabled). The last enabled admin can be neither disabled nor demoted.
     */
    public User updateUser(String username, UserChange change) {
        User before = user(username).orElseThrow(() -> Refusal.notFound("no user '" + normalize(username) + "'"));
        Role role = change.role() == null ? before.role() : change.role();
        Set<String> schools = change.schools() != null ? change.schools() : role.scoped() ? before.schools() : Set.of();
        List<Refusal.Problem> problems = new ArrayList<>();
        checkRole(role, schools, problems);
        checkDisplayName(change.displayName(), problems);
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
        boolean disabled = change.disabled() == null ? before.disabled() : change.disabled();
        if (before.role() == Role.ADMIN && !before.disabled() && (role != Role.ADMIN || disabled)
                && users().stream().filter(u -> u.role() == Role.ADMIN && !u.disabled()).count() <= 1) {
            throw Refusal.conflict("'" + before.username() + "' is the last enabled admin: create another admin first"
                    + " / 这是最后一个启用的管理员账号");
        }
        User after = new User(before.username(), role, schools,
                change.displayName() == null ? before.displayName() : blankToNull(change.displayName()),
                before.createdAt(), before.passwordChangedAt(), disabled);
        store.updateUser(after);
        if (disabled && !before.disabled()) {
            store.deleteSessions(after.username(), null);
        }
        log.info("user={} changed: role {} schools {} disabled {}", after.username(), role, after.schools(), disabled);
        return after;
    }

    /** An admin sets a user's password; every session of that user ends. */
    public void resetPassword(String username, String password) {
        User user = user(username).orElseThrow(() -> Refusal.notFound("no user '" + normalize(username) + "'"));
        List<Refusal.Problem> problems = new ArrayList<>();
        checkPassword(user.username(), password, "/password", problems);
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
        store.setPasswordHash(user.username(), hash(password), clock.millis());
        store.deleteSessions(user.username(), null);
        perUser.succeeded("u:" + user.username());
    }

    /**
     * A user changes their own password, proving the current one (throttled like a login). Their other
     * sessions end; the one making the change, if any, stays.
     */
    public Authentication changePassword(Principal who, String current, String password, String source) {
        List<Refusal.Problem> problems = new ArrayList<>();
        checkPassword(who.username(), password, "/newPassword", problems);
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
        Authentication check = login(who.username(), current, source);
        if (check instanceof Authentication.Authenticated) {
            store.setPasswordHash(who.username(), hash(password), clock.millis());
            store.deleteSessions(who.username(), who.method() == Principal.Method.SESSION ? who.credentialId() : null);
        }
        return check;
    }

    /**
     * First start: with no user at all, creates {@code admin} with {@code configured} as its password,
     * or a random one when that is null (returned, to be shown once).
     */
    public FirstAdmin ensureAdmin(String configured) {
        if (store.userCount() > 0) {
            return new FirstAdmin(false, null);
        }
        String password = configured == null || configured.isEmpty() ? randomText(15) : configured;
        List<Refusal.Problem> problems = new ArrayList<>();
        checkPassword("admin", password, "SYNCREADY_ADMIN_PASSWORD", problems);
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
        createUser("admin", Role.ADMIN, Set.of(), "Administrator", password);
        return new FirstAdmin(true, configured == null || configured.isEmpty() ? password : null);
    }

    // ------------------------------------------------------------------ tokens

    /**
     * Creates a token for {@code username}, shown once.
     *
     * @param life null for {@link Settings#defaultTokenLife()}
     */
    public NewToken createToken(String username, String name, Duration life, String createdBy) {
        User user = user(username).orElseThrow(() -> Refusal.notFound("no user '" + normalize(username) + "'"));
        List<Refusal.Problem> problems = new ArrayList<>();
        if (name == null || !TOKEN_NAME.matcher(name.strip()).matches()) {
            problems.add(problem("/name", "must be 1-64 letters, digits, spaces or ._:@/()-, e.g. \"prometheus\""));
        }
        Duration l = life == null ? settings.defaultTokenLife() : life;
        if (l.isNegative() || l.isZero() || l.compareTo(settings.maxTokenLife()) > 0) {
            problems.add(problem("/expiresInDays", "must be 1.." + settings.maxTokenLife().toDays() + " days"));
        }
        if (!problems.isEmpty()) {
            throw Refusal.of(Refusal.Kind.INVALID, problems);
        }
        long now = clock.millis();
        long active = store.tokens(user.username()).stream().filter(t -> t.state(now).equals("active")).count();
        if (active >= settings.maxActiveTokens()) {
            throw Refusal.conflict(user.username() + " already has " + active + " active tokens; revoke some first");
        }
        String secret = "srt_" + randomText(32);
        ApiToken token = new ApiToken("t-" + randomText(9).replace('-', 'x').replace('_', 'y'), user.username(), name.strip(),
                secret.substring(4, 12), now, createdBy, now + l.toMillis(), null, null, null);
        store.insertToken(token, sha256(secret));
        return new NewToken(token, secret);
    }

    /** Tokens of {@code username} (everyone's when null), newest first. */
    public List<ApiToken> tokens(String username) {
        return store.tokens(username == null ? null : normalize(username));
    }

    public Optional<ApiToken> token(String id) {
        return store.token(id);
    }

    /** Revokes a token (at once: the next request with it is refused). */
    public ApiToken revokeToken(String id, String by) {
        ApiToken t = store.token(id).orElseThrow(() -> Refusal.notFound("no token '" + id + "'"));
        if (t.revokedAt() != null) {
            return t;
        }
        store.revokeToken(id, clock.millis(), by);
        return store.token(id).orElseThrow();
    }

    // ------------------------------------------------------------------ helpers

    public long now() {
        return clock.millis();
    }

    private String hash(String password) {
        return withHashPermit(() -> hasher.hash(password));
    }

    private boolean verify(String password, String phc) {
        return withHashPermit(() -> hasher.verify(password, phc));
    }

    private <T> T withHashPermit(java.util.function.Supplier<T> work) {
        try {
            if (!hashing.tryAcquire(10, TimeUnit.SECONDS)) {
                throw Refusal.of(Refusal.Kind.UNAVAILABLE, "too many logins at once; try again in a few seconds / 登录请求过多，请稍后再试");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "interrupted");
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }

    private void checkRole(Role role, Set<String> schools, List<Refusal.Problem> problems) {
        if (role == null) {
            problems.add(problem("/role", "must be admin, bureau, school-it or technician"));
            return;
        }
        Set<String> s = schools == null ? Set.of() : schools;
        if (role.scoped() && s.isEmpty()) {
            problems.add(problem("/schools", "a " + role + " needs at least one school"));
        }
        if (!role.scoped() && !s.isEmpty()) {
            problems.add(problem("/schools", "an " + role + " sees every school; leave 'schools' empty"));
        }
        for (String school : s) {
            if (!schoolExists.test(school)) {
                problems.add(problem("/schools", "no school '" + school + "'"));
            }
        }
    }

    private static void checkDisplayName(String displayName, List<Refusal.Problem> problems) {
        if (displayName != null && (displayName.length() > 100 || displayName.chars().anyMatch(Character::isISOControl))) {
            problems.add(problem("/displayName", "at most 100 characters, no control characters"));
        }
    }

    private static void checkPassword(String username, String password, String field, List<Refusal.Problem> problems) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            problems.add(problem(field, "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters / 密码长度须为 "
                    + MIN_PASSWORD + "-" + MAX_PASSWORD + " 个字符"));
        } else if (password.strip().equalsIgnoreCase(username)) {
            problems.add(problem(field, "must not be the user name / 密码不能与用户名相同"));
        }
    }

    private static Refusal.Problem problem(String field, String message) {
        return new Refusal.Problem("request", field, message);
    }

    static String normalize(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    /** A user name fit for a log line: printable, at most 64 characters. */
    static String safe(String name) {
        String s = name.replaceAll("[^\\p{L}\\p{N}._@-]", "?");
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private String randomText(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** SHA-256 in hex: how token secrets and session cookies are stored (256 random bits need no slow hash). */
    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
