/**
 * Applying the signed configurations the controller publishes on {@code config/desired}: verify
 * (box, version, hash, Ed25519 signature with the pinned key, model schema), write atomically, apply,
 * check health, roll back on failure, and say what happened on {@code config/reported}.
 */
package org.syncready.agent.configapply;
