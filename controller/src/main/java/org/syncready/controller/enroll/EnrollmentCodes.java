package org.syncready.controller.enroll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.audit.Actor;
import org.syncready.controller.audit.AuditLog;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.refusal.Refusal;

/**
 * Makes, lists, revokes and redeems enrollment codes. A code is eight characters from an alphabet
 * without look-alikes ({@code 0/O}, {@code 1/I/L}, {@code U/V}), shown once as {@code XXXX-XXXX}:
 * about 39 bits, one try in 650 billion, and redemption is rate-limited (see {@link Limits}). The
 * controller keeps only an HMAC-SHA256 of each code under a key of its own ({@code keys/enrollment.key},
 * 0600), so a copied database alone does not give the codes away, and compares a presented code with
 * every candidate in constant time.
 *
 * <p>Every method blocks (store, audit): call it off the event loop. Redemptions run one at a time,
 * so a code cannot be redeemed twice by two requests racing.
 */
public final class EnrollmentCodes {
    private static final Logger log = LoggerFactory.getLogger(EnrollmentCodes.class);
    /** Crockford-like: digits and capitals without 0, 1, I, L, O, U. */
    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 8;
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    public static final Duration MIN_TTL = Duration.ofMinutes(10);
    public static final Duration MAX_TTL = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * How many redemption attempts are let through: per source address and overall, each a bucket of
     * {@code burst} refilled at {@code perMinute}. A successful redemption gives its token back, so
     * only failures use the budget: a technician enrolling a school's boxes from one address is never
     * slowed, a guesser is (at the defaults, 5 guesses a minute per address and 30 overall).
     */
    public record Limits(double perSourcePerMinute, double perSourceBurst, double globalPerMinute, double globalBurst,
                         int maxSources) {
        public static final Limits DEFAULT = new Limits(5, 5, 30, 30, 10_000);
    }

    /** Too many attempts: come back in {@code retryAfterSeconds}. */
    public static final class Throttled extends RuntimeException {
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super("too many enrollment attempts; try again in " + retryAfterSeconds + " s / 注册尝试过多，请 "
                    + retryAfterSeconds + " 秒后再试", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** A new code: {@code text} is shown once and never again. */
    public record Issued(EnrollmentCode code, String text) {
        @Override
        public String toString() {
            return "Issued[" + code + ", text=***]";
        }
    }

    /** A box enrolled by a code: its registration (with the secret, shown once) and the code used. */
    public record Enrolled(BoxRegistration registration, EnrollmentCode code) {
    }

    private final EnrollmentStore store;
    private final FleetRegistry registry;
    private final AuditLog audit;
    private final Clock clock;
    private final byte[] hmacKey;
    private final AttemptLimiter limiter;
    private long wrongSince;
    private int wrongCount;
    private String wrongLastSource;

    public EnrollmentCodes(EnrollmentStore store, FleetRegistry registry, AuditLog audit, byte[] hmacKey, Clock clock,
                           Limits limits) {
        this.store = store;
        this.registry = registry;
        this.audit = audit;
        this.hmacKey = hmacKey.clone();
        this.clock = clock;
        this.limiter = new AttemptLimiter(limits);
    }

    /** The HMAC key in {@code keysDir/enrollment.key}, made (0600) at first start. */
    public static byte[] loadOrCreateKey(Path keysDir) throws IOException {
        Path file = keysDir.resolve("enrollment.key");
        if (!Files.exists(file)) {
            Files.createDirectories(keysDir);
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            Path tmp = keysDir.resolve("enrollment.key.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            log.info("enrollment: created the code key {}", file);
        }
        String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            byte[] key = HexFormat.of().parseHex(hex);
            if (key.length < 16) {
                throw new IOException(file + " is too short (expected 32 bytes as hex)");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not hex: " + e.getMessage());
        }
    }

    /** Makes a code for {@code classroomId}, valid for {@code ttl} ({@link #MIN_TTL}..{@link #MAX_TTL}). */
    public Issued create(String classroomId, Duration ttl, Actor actor) {
        if (registry.classroom(classroomId).isEmpty()) {
            throw Refusal.notFound("no classroom '" + classroomId + "'");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw Refusal.invalid("ttlHours", "a code is valid between " + MIN_TTL.toMinutes() + " minutes and "
                    + MAX_TTL.toDays() + " days");
        }
        long now = clock.millis();
        String text = newCode();
        EnrollmentCode code = new EnrollmentCode("ec-" + randomId(), classroomId, actor.name(), now, now + ttl.toMillis(),
                null, null, null);
        store.add(new EnrollmentStore.StoredCode(code, hash(text)));
        audit.record(actor, "enrollment.code.create", "classroom " + classroomId + " school "
                + registry.schoolOfClassroom(classroomId).orElse("?"), "code " + code.id() + " expires "
                + java.time.Instant.ofEpochMilli(code.expiresAt()), "ok");
        return new Issued(code, format(text));
    }

    /** A classroom's codes, newest first (never their text). */
    public List<EnrollmentCode> list(String classroomId) {
        if (registry.classroom(classroomId).isEmpty()) {
            throw Refusal.notFound("no classroom '" + classroomId + "'");
        }
        return store.ofClassroom(classroomId);
    }

    public Optional<EnrollmentCode> get(String id) {
        return store.get(id);
    }

    /** Revokes an unused code of {@code classroomId}. */
    public EnrollmentCode revoke(String classroomId, String id, Actor actor) {
        EnrollmentCode code = store.get(id).filter(c -> c.classroomId().equals(classroomId))
                .orElseThrow(() -> Refusal.notFound("no enrollment code '" + id + "' in classroom '" + classroomId + "'"));
        long now = clock.millis();
        if (!store.revoke(id, now)) {
            throw Refusal.conflict("enrollment code '" + id + "' is " + code.state(now).label() + ", not pending");
        }
        audit.record(actor, "enrollment.code.revoke", "classroom " + code.classroomId(), "code " + id, "ok");
        return store.get(id).orElse(code);
    }

    /**
     * Registers a box in the code's classroom. {@code boxId} null: one is made up. {@code source} is
     * the caller's address, for the rate limit and the audit log. A wrong, used, expired or revoked
     * code is a {@link Refusal} in English and Chinese; too many attempts a {@link Throttled}.
     */
    public synchronized Enrolled redeem(String codeText, String boxId, String model, String source) {
        long nowNanos = System.nanoTime();
        long retry = limiter.tryAcquire(source, nowNanos);
        if (retry > 0) {
            throw new Throttled(retry);
        }
        boolean succeeded = false;
        try {
            Enrolled enrolled = redeemChecked(codeText, boxId, model, source);
            succeeded = true;
            return enrolled;
        } finally {
            if (succeeded) {
                limiter.refund(source);
            }
        }
    }

    private Enrolled redeemChecked(String codeText, String requestedBoxId, String model, String source) {
        long now = clock.millis();
        String normalized = normalize(codeText);
        EnrollmentStore.StoredCode match = normalized == null ? null : find(hash(normalized), now);
        if (match == null) {
            noteWrong(source, now);
            throw Refusal.of(Refusal.Kind.FORBIDDEN, "wrong enrollment code: check it, or ask for a new one / "
                    + "注册码错误：请核对，或申请新的注册码");
        }
        EnrollmentCode code = match.code();
        switch (code.state(now)) {
            case USED -> throw refused(code, source, "used", "this enrollment code was already used: ask for a new one / "
                    + "该注册码已被使用：请申请新的注册码");
            case EXPIRED -> throw refused(code, source, "expired", "this enrollment code has expired: ask for a new one / "
                    + "该注册码已过期：请申请新的注册码");
            case REVOKED -> throw refused(code, source, "revoked", "this enrollment code was revoked: ask for a new one / "
                    + "该注册码已被撤销：请申请新的注册码");
            case PENDING -> {
            }
        }
        String boxId = requestedBoxId == null || requestedBoxId.isBlank() ? "box-" + randomId() : requestedBoxId.strip();
        BoxRegistration registration = registry.registerBox(boxId, code.classroomId(),
                model == null || model.isBlank() ? "unknown" : model.strip());
        if (!store.markUsed(code.id(), boxId, now)) {
            // Another controller node redeemed it between our read and our write: undo our registration.
            registry.revokeBox(boxId);
            throw refused(code, source, "used", "this enrollment code was already used: ask for a new one / "
                    + "该注册码已被使用：请申请新的注册码");
        }
        audit.record(new Actor("enrollment", source), "enrollment.redeem", "box " + boxId + " in classroom " + code.classroomId()
                + " school " + registry.schoolOfClassroom(code.classroomId()).orElse("?"), "code " + code.id(), "ok");
        return new Enrolled(registration, store.get(code.id()).orElse(code));
    }

    private Refusal refused(EnrollmentCode code, String source, String why, String message) {
        audit.record(new Actor("enrollment", source), "enrollment.redeem", "classroom " + code.classroomId(), "code " + code.id(),
                "refused: " + why);
        return Refusal.of(Refusal.Kind.FORBIDDEN, message);
    }

    /** Every code young enough to still matter, compared in constant time; no early exit. */
    private EnrollmentStore.StoredCode find(String presentedHash, long now) {
        byte[] presented = presentedHash.getBytes(StandardCharsets.US_ASCII);
        EnrollmentStore.StoredCode found = null;
        for (EnrollmentStore.StoredCode c : store.createdSince(now - MAX_TTL.toMillis() - Duration.ofDays(1).toMillis())) {
            if (MessageDigest.isEqual(presented, c.codeHash().getBytes(StandardCharsets.US_ASCII))) {
                found = c;
            }
        }
        return found;
    }

    /** Wrong codes are logged as a count at most once a minute: a guesser must not fill the log. */
    private void noteWrong(String source, long now) {
        wrongCount++;
        wrongLastSource = source;
        if (now - wrongSince >= 60_000) {
            log.warn("enrollment: {} wrong code(s) since the last report, the latest from {}", wrongCount, wrongLastSource);
            wrongSince = now;
            wrongCount = 0;
        }
    }

    /** {@code XXXX-XXXX} in any case, with or without the dash and spaces; null when it cannot be a code. */
    static String normalize(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip().toUpperCase(Locale.ROOT).replace("-", "").replace(" ", "");
        if (s.length() != LENGTH) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (ALPHABET.indexOf(s.charAt(i)) < 0) {
                return null;
            }
        }
        return s;
    }

    static String format(String code) {
        return code.substring(0, 4) + "-" + code.substring(4);
    }

    private static String newCode() {
        StringBuilder s = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    private static String randomId() {
        StringBuilder s = new StringBuilder(10);
        String lower = ALPHABET.toLowerCase(Locale.ROOT);
        for (int i = 0; i < 10; i++) {
            s.append(lower.charAt(RANDOM.nextInt(lower.length())));
        }
        return s.toString();
    }

    String hash(String normalized) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(normalized.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
