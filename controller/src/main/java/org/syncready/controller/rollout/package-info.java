/**
 * Configuration rollouts: rendering a box's desired document (catalogue profile + school and box
 * overrides), signing it with the controller's Ed25519 key, publishing it retained in waves with
 * success and failure thresholds, deferring boxes that are in class ({@link org.syncready.controller.rollout.ClassTimeGuard}),
 * and following what each box reports. Also answers whether a box drifts from its desired configuration.
 *
 * <p>Public face: {@link org.syncready.controller.rollout.Rollouts} (the engine),
 * {@link org.syncready.controller.rollout.RolloutRequest}, {@link org.syncready.controller.rollout.ClassTimeGuard},
 * {@link org.syncready.controller.rollout.ConfigDrift}, {@link org.syncready.controller.rollout.ConfigSigner}.
 */
package org.syncready.controller.rollout;
