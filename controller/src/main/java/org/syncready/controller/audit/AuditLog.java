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

    /**
     * Records an action; a store failure is logged (without the detail), never thrown at the action it
     * audits. The detail goes only to the store, never to the log. URLs in target, detail and result
     * lose their user info and query first ({@link SecretMask}): whatever a caller passes, credentials
     * in them are not kept.
     */
    public void record(Actor who, String action, String target, String detail, String result) {
        String t = SecretMask.maskText(target);
        String d = SecretMask.maskText(detail);
        String r = SecretMask.maskText(result);
        try {
            store.append(new AuditEntry(0, clock.millis(), who.name(), who.source(), action, t, d, r));
        } catch (RuntimeException e) {
            log.error("audit entry not stored: actor={} action={} target={} result={}: {}", who, action, t, r, e.getMessage());
        }
        log.info("audit actor={} action={} target={} result={}", who, action, t, r);
    }

    /** The newest entries first that match {@code q}. */
    public List<AuditEntry> list(AuditQuery q) {
        return store.list(q);
    }
}
