package org.syncready.controller.audit;

/**
 * One audited action.
 *
 * @param actor  who: the authenticated user's name ({@code system} for the controller's own actions)
 * @param source from where: the client's IP address; null for the controller's own actions
 * @param action e.g. {@code rollout.start}, {@code login.failed}, {@code session.delete}
 * @param target what it acted on, e.g. {@code rollout r-42: schools [sch01]}
 * @param detail free text or JSON, secrets masked
 * @param result {@code ok}, or why it failed
 */
public record AuditEntry(long id, long at, String actor, String source, String action, String target, String detail,
                         String result) {
}
