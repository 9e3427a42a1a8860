/**
 * Whether the controller can keep its promises, for {@code /health} and {@code /metrics}: its critical
 * threads are alive and ticking, the store commits, the store writer's queue has room, the MQTT
 * connection is up and the data folder's disk has room ({@link org.syncready.controller.health.Health});
 * and what no thread caught, logged and counted instead of lost
 * ({@link org.syncready.controller.health.UncaughtFailures}).
 */
package org.syncready.controller.health;
