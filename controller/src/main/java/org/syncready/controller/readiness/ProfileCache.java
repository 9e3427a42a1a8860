package org.syncready.controller.readiness;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each box's profile in memory for the sweeps, loading it once from a slower source (the
 * rollout side answers on its own thread) and again when the box reports a configuration or after
 * about {@code ttlMs}. Each entry lives between half and one and a half times that, so a fleet loaded
 * at once is not read again all at once. One entry per registered box at most.
 */
public final class ProfileCache implements ProfileSource {
    private static final Logger log = LoggerFactory.getLogger(ProfileCache.class);

    private record Entry(Optional<BoxProfile> profile, long expiresAt) {
    }

    private final Function<String, Optional<BoxProfile>> loader;
    private final Clock clock;
    private final long ttlMs;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public ProfileCache(Function<String, Optional<BoxProfile>> loader, Clock clock, long ttlMs) {
        this.loader = loader;
        this.clock = clock;
        this.ttlMs = ttlMs;
    }

    @Override
    public Optional<BoxProfile> profile(String boxId) {
        long now = clock.millis();
        Entry e = entries.get(boxId);
        if (e != null && now < e.expiresAt()) {
            return e.profile();
        }
        try {
            Optional<BoxProfile> loaded = loader.apply(boxId);
            entries.put(boxId, new Entry(loaded, now + ttlMs / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ttlMs + 1)));
            return loaded;
        } catch (RuntimeException ex) {
            // Judged with the default bitrate this time; the next sweep tries again.
            log.warn("box={} profile not loaded for readiness: {}", boxId, ex.toString());
            return e == null ? Optional.empty() : e.profile();
        }
    }

    /** The box reported a configuration (applied, rejected, rolled back): read it again next time. */
    public void invalidate(String boxId) {
        entries.remove(boxId);
    }
}
