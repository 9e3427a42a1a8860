package org.syncready.controller.audit;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records and lists audited actions, kept in an {@link AuditStore}. Blocking: call it off the event loop. */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private final AuditStore store;
    private final Clock clock;

    public AuditLog(AuditStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records an action; a store failure is logged (with the entry), never thrown at the action it audits. */
    public void record(String actor, String action, String target, String detail, String result) {
        try {
            store.append(new AuditEntry(0, clock.millis(), actor, action, target, detail, result));
        } catch (RuntimeException e) {
            log.error("audit entry not stored: actor={} action={} target={} result={}: {}", actor, action, target, result, e.getMessage());
        }
        log.info("audit actor={} action={} target={} result={}", actor, action, target, result);
    }

    /** The newest entries first, at most {@code limit}, optionally only since {@code sinceMs} and of one action prefix. */
    public List<AuditEntry> list(int limit, Long sinceMs, String actionPrefix) {
        return store.list(limit, sinceMs, actionPrefix);
    }
}
