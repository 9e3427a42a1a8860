/**
 * Benchmarks against a controller running as its own process (so its RSS and CPU can be read):
 * many connected boxes with status-to-API latency, camera-fault-to-API latency, and the time a
 * rollout takes until every box applied it. Latency is measured end to end through the HTTP API:
 * from the status's timestamp to the first {@code GET /api/v1/boxes/{id}} that shows it.
 * {@code RolloutEngineBenchmark} is the exception: the rollout engine in the benchmark's own JVM, at a
 * fleet size no single process here can hold connections for.
 */
package org.syncready.bench.scale;
