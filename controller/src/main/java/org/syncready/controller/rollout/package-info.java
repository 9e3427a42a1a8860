/**
 * Configuration rollouts: rendering a box's desired document (catalogue profile + school and box
 * overrides), signing it with the controller's Ed25519 key, publishing it retained in waves with
 * success and failure thresholds, deferring boxes that are in class ({@link org.syncready.controller.rollout.ClassTimeGuard}),
 * and following what each box reports. Also answers whether a box drifts from its desired configuration.
 *
 * <p>Inside: {@code RolloutPlanner} (pure: targets, waves, diffs), {@code DesiredConfigs} (each box's
 * desired and reported configuration: versions, drift, signing, publishing), {@code RolloutRunner}
 * (the state machine: tick, send, thresholds, timeouts, rollback) and {@code RolloutRun} (one rollout
 * and its boxes). Its state is kept behind {@link org.syncready.controller.rollout.RolloutStore}, which
 * this package owns ({@code store.SqlRolloutStore} in SQLite, an in-memory fake in tests).
 *
 * <p>Public face: {@link org.syncready.controller.rollout.Rollouts} (the facade the API calls),
 * {@link org.syncready.controller.rollout.RolloutRequest}, {@link org.syncready.controller.rollout.RolloutPlan},
 * {@link org.syncready.controller.rollout.RolloutView}, {@link org.syncready.controller.rollout.ConfigDrift},
 * {@link org.syncready.controller.rollout.ConfigSigner}, and what the wiring plugs in:
 * {@link org.syncready.controller.rollout.BoxDirectory}, {@link org.syncready.controller.rollout.LiveBoxes},
 * {@link org.syncready.controller.rollout.DesiredPublisher}, {@link org.syncready.controller.rollout.AuditTrail},
 * {@link org.syncready.controller.rollout.ClassTimeGuard}. Refusals are
 * {@link org.syncready.controller.refusal.Refusal}s that list every problem with its field.
 */
package org.syncready.controller.rollout;
