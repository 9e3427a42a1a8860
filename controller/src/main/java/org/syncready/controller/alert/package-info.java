/**
 * Alerts: tells people about problems before class, in the group chats and mailboxes they already
 * watch (DingTalk, WeCom and Feishu robots, a generic signed webhook, e-mail).
 *
 * <p>{@link org.syncready.controller.alert.Alerts} is the public face: it is fed by the readiness
 * checks (T-30, T-5, in-class incidents), the rollouts (paused or aborted) and its own look at the
 * live fleet (boxes offline outside class), keeps one {@link org.syncready.controller.alert.Problem}
 * per thing wrong (deduplicated, acknowledged, repeated, escalated, recovered), and turns what changed
 * into one {@link org.syncready.controller.alert.Notice} per school per check. Each notice becomes one
 * stored message per channel; {@code Delivery} sends them on its own threads, paced per robot (a
 * burst is merged into digests), retried with backoff, and still there after a restart.
 *
 * <p>Time comes from the injected clock (tests run a morning in seconds); nothing here runs on an
 * event loop. Channel secrets are sealed at rest and never leave in logs or answers.
 */
package org.syncready.controller.alert;
