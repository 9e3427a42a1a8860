package org.syncready.controller.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link ScheduleStore} in memory, for schedule and readiness tests that need no database. */
public final class InMemoryScheduleStore implements ScheduleStore {
    private final Map<String, SyncSession> sessions = new LinkedHashMap<>();
    private final Map<String, String> terms = new LinkedHashMap<>();

    @Override
    public synchronized List<SyncSession> sessions() {
        return new ArrayList<>(sessions.values());
    }

    @Override
    public synchronized void saveSessions(List<SyncSession> created, List<SyncSession> replaced) {
        for (SyncSession s : created) {
            if (sessions.containsKey(s.id())) {
                // The SQLite store's primary key fails the whole transaction; so does this one, before changing anything.
                throw new IllegalStateException("session " + s.id() + " is already stored");
            }
        }
        created.forEach(s -> sessions.put(s.id(), s));
        replaced.forEach(s -> sessions.put(s.id(), s));
    }

    @Override
    public synchronized void deleteSession(String id) {
        sessions.remove(id);
    }

    @Override
    public synchronized Map<String, String> terms() {
        return new LinkedHashMap<>(terms);
    }

    @Override
    public synchronized void putTerm(String id, String json) {
        terms.put(id, json);
    }
}
