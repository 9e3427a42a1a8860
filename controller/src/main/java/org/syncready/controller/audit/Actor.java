package org.syncready.controller.audit;

/**
 * Who acts, for the audit log: the authenticated user's name and the address the request came from,
 * or the controller itself ({@link #SYSTEM}) for what it does on its own (a rollout paused by its
 * failure threshold, completed, ...).
 *
 * @param source the client's IP address; null for the controller's own actions
 */
public record Actor(String name, String source) {
    public static final Actor SYSTEM = new Actor("system", null);

    /** The controller acting under another name (e.g. {@code demo} for the demo's first rollouts). */
    public static Actor system(String name) {
        return new Actor(name, null);
    }

    @Override
    public String toString() {
        return source == null ? name : name + "@" + source;
    }
}
