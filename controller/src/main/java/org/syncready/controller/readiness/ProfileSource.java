package org.syncready.controller.readiness;

import java.util.Optional;

/**
 * Where readiness learns the profile a box runs or is about to run (the rollout side knows each box's
 * desired and applied configuration). Called for every box of every evaluated session: it must
 * answer from memory.
 */
@FunctionalInterface
public interface ProfileSource {
    Optional<BoxProfile> profile(String boxId);

    /** No profiles known: every box is judged with the rules' default bitrate. */
    ProfileSource NONE = boxId -> Optional.empty();
}
