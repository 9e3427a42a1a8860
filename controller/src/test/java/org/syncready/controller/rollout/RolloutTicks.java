package org.syncready.controller.rollout;

/**
 * Lets tests outside this package (the controller's API tests, integration tests through the test jar)
 * step a running controller's rollout engine: one tick on its own thread, returning when it is done,
 * instead of sleeping through the once-a-second ticks.
 */
public final class RolloutTicks {
    private RolloutTicks() {
    }

    public static void tick(Rollouts rollouts) {
        rollouts.tick();
    }
}
