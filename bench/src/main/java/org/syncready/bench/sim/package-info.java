/**
 * The fleet simulator: N classroom boxes speaking protocol v1 over real MQTT 5 connections from one
 * JVM, on a couple of Vert.x event loops (no thread per box). Boxes send birth, state and status
 * (about 1 KB each, like a 4-camera box), set their Will, answer config/desired with {@code applied}
 * and cmd/request (self-test, rebirth, ...) on the MQTT 5 response topic, and can carry an injected
 * camera fault. {@link org.syncready.bench.sim.FleetEnrollment} registers the boxes with a controller
 * through its HTTP API first.
 */
package org.syncready.bench.sim;
