package org.syncready.controller.readiness;

import java.time.Instant;
import java.util.List;

/**
 * Told what the readiness checks found, on the readiness thread: implementations hand the work to a
 * thread of their own and return at once (a slow listener must not delay the next check). A listener
 * that throws is logged and does not stop the checks.
 */
public interface ReadinessListener {
    /** Listens to nothing. */
    ReadinessListener NONE = new ReadinessListener() {
    };

    /** A check of these sessions was made and stored ({@code T-30}, {@code T-5}, {@code on-demand}). */
    default void checked(String trigger, List<SessionReadiness> results) {
    }

    /** A problem began while the session ran; {@code reason} holds its sentences. */
    default void incidentOpened(Incident incident, String schoolId, Reason reason) {
    }

    /** The incident ended at {@code end} (fixed, or its session ended). */
    default void incidentClosed(Incident incident, Instant end) {
    }
}
