/**
 * A simulated box for the demo, tests, training and benchmarks: probes with plausible values that
 * move but stay inside healthy bounds (1080p25 cameras, microphones around −30 dBFS, a 20 ms uplink, a
 * pushing stream, a roomy recording disk), and {@link org.syncready.agent.sim.SimulatedFaults}, the
 * switchboard that breaks them on demand: the {@code simulate} command, the fleet file's
 * {@code simulation.faults} and tests all switch the same {@link org.syncready.protocol.FaultSet}
 * (docs/SIMULATION.md).
 */
package org.syncready.agent.sim;
