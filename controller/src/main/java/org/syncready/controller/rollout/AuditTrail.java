package org.syncready.controller.rollout;

import org.syncready.controller.audit.Actor;

/**
 * Where rollouts record who did what ({@code rollout.start}, {@code rollout.pause}, ...) and from
 * where; never throws at the action.
 */
@FunctionalInterface
public interface AuditTrail {
    void record(Actor who, String action, String target, String detail, String result);
}
