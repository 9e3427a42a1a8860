package org.syncready.controller.audit;

/**
 * Which audit entries to list, newest first; null fields do not filter.
 *
 * @param sinceMs      entries at or after (epoch ms)
 * @param untilMs      entries before (epoch ms)
 * @param actor        exactly this actor
 * @param actionPrefix actions starting with this, e.g. {@code rollout.} or {@code login.failed}
 * @param target       targets containing this text, e.g. a box id
 * @param source       exactly this source address
 */
public record AuditQuery(int limit, Long sinceMs, Long untilMs, String actor, String actionPrefix, String target,
                         String source) {
    public static AuditQuery newest(int limit) {
        return new AuditQuery(limit, null, null, null, null, null, null);
    }
}
