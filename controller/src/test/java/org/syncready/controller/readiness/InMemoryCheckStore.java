package org.syncready.controller.readiness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link CheckStore} in memory, for readiness tests that need no database. Its answers follow the
 * SQLite store's queries (order, the day before {@code from} for {@link #lastBeforeStart}).
 */
public final class InMemoryCheckStore implements CheckStore {
    private final List<SessionReadiness> checks = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();

    @Override
    public synchronized void saveCheck(SessionReadiness check) {
        checks.add(check);
    }

    @Override
    public synchronized Map<String, SessionReadiness> latest(Collection<String> sessionIds) {
        Map<String, SessionReadiness> out = new HashMap<>();
        for (SessionReadiness r : checks) { // in the order saved: a later one of the same time wins, as by id
            SessionReadiness before = out.get(r.sessionId());
            if (sessionIds.contains(r.sessionId()) && (before == null || !r.checkedAt().isBefore(before.checkedAt()))) {
                out.put(r.sessionId(), r);
            }
        }
        return out;
    }

    @Override
    public synchronized List<SessionReadiness> checks(String sessionId) {
        return checks.stream().filter(r -> r.sessionId().equals(sessionId))
                .sorted(Comparator.comparing(SessionReadiness::checkedAt)).toList();
    }

    @Override
    public synchronized Map<String, SessionReadiness> lastBeforeStart(Map<String, Instant> starts, Instant from, Instant to) {
        Map<String, SessionReadiness> out = new HashMap<>();
        Instant earliest = from.minusSeconds(86_400);
        for (SessionReadiness r : checks) {
            Instant start = starts.get(r.sessionId());
            if (start == null || r.checkedAt().isBefore(earliest) || !r.checkedAt().isBefore(to)
                    || ReadinessChecks.IN_SESSION.equals(r.trigger()) || r.checkedAt().isAfter(start)) {
                continue;
            }
            SessionReadiness best = out.get(r.sessionId());
            if (best == null || !r.checkedAt().isBefore(best.checkedAt())) {
                out.put(r.sessionId(), r);
            }
        }
        return out;
    }

    @Override
    public synchronized long openIncident(String sessionId, String classroomId, String boxId, Reason reason, Instant at) {
        long id = incidents.size() + 1;
        incidents.add(new Incident(id, sessionId, classroomId, boxId, reason.code(), reason.device(), reason.severity(),
                reason.en(), at, null));
        return id;
    }

    @Override
    public synchronized void closeIncident(long id, Instant at) {
        Incident i = incidents.get((int) id - 1);
        if (i.end() == null) {
            incidents.set((int) id - 1, new Incident(i.id(), i.sessionId(), i.classroomId(), i.boxId(), i.code(), i.device(),
                    i.severity(), i.message(), i.start(), at));
        }
    }

    @Override
    public List<Incident> incidents(String sessionId) {
        return select(i -> i.sessionId().equals(sessionId));
    }

    @Override
    public List<Incident> openIncidents() {
        return select(i -> i.end() == null);
    }

    @Override
    public List<Incident> incidents(Instant from, Instant to) {
        return select(i -> i.start().isBefore(to) && (i.end() == null || i.end().isAfter(from)));
    }

    private synchronized List<Incident> select(Predicate<Incident> which) {
        return incidents.stream().filter(which)
                .sorted(Comparator.comparing(Incident::start).thenComparing(Incident::id)).toList();
    }
}
