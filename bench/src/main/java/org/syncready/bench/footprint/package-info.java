/**
 * Agent footprint: one real agent JVM (the shipped jar, simulated probes) reporting to a real
 * controller; its RSS and CPU at steady state.
 */
package org.syncready.bench.footprint;
