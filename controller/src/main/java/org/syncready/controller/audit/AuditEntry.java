package org.syncready.controller.audit;

/**
 * One audited action.
 *
 * @param actor  who (the API's actor: a user name once there is login)
 * @param action e.g. {@code rollout.start}, {@code rollout.pause}, {@code rollout.force}
 * @param target what it acted on, e.g. {@code rollout r-42: schools [sch01]}
 * @param detail free text or JSON
 * @param result {@code ok}, or why it failed
 */
public record AuditEntry(long id, long at, String actor, String action, String target, String detail, String result) {
}
