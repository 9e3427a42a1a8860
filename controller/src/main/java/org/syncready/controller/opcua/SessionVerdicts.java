package org.syncready.controller.opcua;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SyncSession;

/** Where the OPC UA server reads sessions' verdicts and asks for a check (the readiness capability). */
public interface SessionVerdicts {
    /**
     * The latest verdict of each session (a stored check, or a preview from live state for one not
     * checked yet); may block on the store. Called on the OPC UA server's own thread every few seconds.
     */
    Map<String, SessionReadiness> latest(List<SyncSession> sessions);

    /** Checks one session now (self-tests first), as {@code POST /api/v1/sessions/{id}/check}. */
    CompletableFuture<SessionReadiness> checkNow(SyncSession session);
}
