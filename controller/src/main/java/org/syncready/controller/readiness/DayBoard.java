package org.syncready.controller.readiness;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/**
 * The day's board: the sessions starting on a day and each one's freshest verdict. One piece of code
 * behind both {@code GET /api/v1/readiness} and the web console's Today page, so they always agree.
 * Which sessions a caller may see is the caller's filter (the API and the console apply the same
 * school scope).
 */
public final class DayBoard {
    private final SessionStore sessions;
    private final ReadinessChecks checks;
    private final CheckStore store;
    private final Clock clock;
    private final ZoneId zone;

    public DayBoard(SessionStore sessions, ReadinessChecks checks, CheckStore store, Clock clock, ZoneId zone) {
        this.sessions = sessions;
        this.checks = checks;
        this.store = store;
        this.clock = clock;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    public Clock clock() {
        return clock;
    }

    /** Today in the bureau's time zone. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    /** The sessions starting on {@code date} (bureau time) that {@code keep} keeps, by start. Memory only: any thread. */
    public List<SyncSession> sessions(LocalDate date, Predicate<SyncSession> keep) {
        Instant from = date.atStartOfDay(zone).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
        return sessions.overlapping(from, to).stream().filter(s -> !s.start().isBefore(from)).filter(keep).toList();
    }

    /**
     * Each session's freshest verdict: the live one (never stale between T-30 and the end), else the last
     * stored check, else for a session that is over UNKNOWN "not-checked" (today's live state says nothing
     * about it), else a preview from live state. Reads the store: call it on a worker.
     */
    public Map<String, SessionReadiness> verdicts(List<SyncSession> day) {
        List<String> ids = day.stream().map(SyncSession::id).toList();
        Map<String, SessionReadiness> known = new HashMap<>(checks.latestInMemory(ids));
        store.latest(ids.stream().filter(id -> !known.containsKey(id)).toList()).forEach(known::put);
        Instant now = clock.instant();
        day.stream().filter(s -> !known.containsKey(s.id()) && !s.end().isAfter(now)).forEach(s -> known.put(s.id(),
                new SessionReadiness(s.id(), Verdict.UNKNOWN, now, NOT_CHECKED, List.of())));
        checks.preview(day.stream().filter(s -> !known.containsKey(s.id())).toList()).forEach(r -> known.put(r.sessionId(), r));
        return known;
    }

    /**
     * The in-class incidents of these sessions, by session id (one query over the day): what happened in
     * class belongs on the board too, a silence now over still tells the day's story. Reads the store.
     */
    public Map<String, List<Incident>> incidents(List<SyncSession> day) {
        Map<String, List<Incident>> out = new HashMap<>();
        if (day.isEmpty()) {
            return out;
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        Instant from = day.get(0).start();
        Instant to = day.get(0).end();
        for (SyncSession s : day) {
            ids.add(s.id());
            from = s.start().isBefore(from) ? s.start() : from;
            to = s.end().isAfter(to) ? s.end() : to;
        }
        for (Incident i : store.incidents(from, to)) {
            if (ids.contains(i.sessionId())) {
                out.computeIfAbsent(i.sessionId(), k -> new java.util.ArrayList<>()).add(i);
            }
        }
        return out;
    }

    /** The next pre-start check (T-30, T-5, ...) of these sessions after now; null when none is left. */
    public Instant nextCheck(List<SyncSession> day) {
        Instant now = clock.instant();
        Instant next = null;
        for (SyncSession s : day) {
            for (int m : checks.beforeStartMinutes()) {
                Instant at = s.start().minus(java.time.Duration.ofMinutes(m));
                if (at.isAfter(now) && (next == null || at.isBefore(next))) {
                    next = at;
                }
            }
        }
        return next;
    }

    /** The trigger of a verdict made for a session that ended without a stored check. */
    public static final String NOT_CHECKED = "not-checked";
}
