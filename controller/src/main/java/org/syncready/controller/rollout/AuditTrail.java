package org.syncready.controller.rollout;

/** Where rollouts record who did what ({@code rollout.start}, {@code rollout.pause}, ...); never throws at the action. */
@FunctionalInterface
public interface AuditTrail {
    void record(String actor, String action, String target, String detail, String result);
}
