/**
 * Several controller nodes on one PostgreSQL store and one broker: {@link org.syncready.controller.cluster.LeaderLease}
 * picks the one node that runs the once-only jobs (readiness checks, rollout ticks, alerts, retention) through a
 * PostgreSQL advisory lock, and {@link org.syncready.controller.cluster.ClusterRefresh} keeps each node's memory
 * (registry, schedule, rollouts, live fleet) in step with what the others wrote, within about a second. No JDBC
 * here: the store package implements {@link org.syncready.controller.cluster.LeaderLease.LockSession} and
 * {@link org.syncready.controller.cluster.ChangeFeed}. With SQLite there is one node, always the leader, and no refresh.
 */
package org.syncready.controller.cluster;
