package org.syncready.controller.readiness;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where readiness checks and in-class incidents are kept. Implemented in the store package (SQLite)
 * and by an in-memory fake in the tests. Every method blocks: the readiness thread and API workers
 * call it, never an event loop. A failure of the store is thrown unchecked.
 */
public interface CheckStore {

    void saveCheck(SessionReadiness check);

    /** The latest kept check of each of the given sessions (sessions never checked are absent). */
    Map<String, SessionReadiness> latest(Collection<String> sessionIds);

    /** Every check of one session, oldest first. */
    List<SessionReadiness> checks(String sessionId);

    /**
     * The last check made before each session started (what staff knew going in), by session id:
     * {@code starts} maps the sessions asked for to their start; only checks made in
     * [{@code from} - 1 day, {@code to}) and not during class count.
     */
    Map<String, SessionReadiness> lastBeforeStart(Map<String, Instant> starts, Instant from, Instant to);

    /** Opens an incident (message: the reason's English sentence); returns its id. */
    long openIncident(String sessionId, String classroomId, String boxId, Reason reason, Instant at);

    /** Ends an open incident at {@code at}; one already ended stays as it was. */
    void closeIncident(long id, Instant at);

    /** The incidents of one session, by start. */
    List<Incident> incidents(String sessionId);

    /** Incidents not ended yet, by start. */
    List<Incident> openIncidents();

    /** Incidents that overlap [from, to), by start. */
    List<Incident> incidents(Instant from, Instant to);
}
