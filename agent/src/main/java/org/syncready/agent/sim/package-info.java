/**
 * A simulated box for the demo, tests and benchmarks: probes with plausible values (1080p25 cameras,
 * microphones around −30 dBFS, a 20 ms uplink, a pushing stream) and
 * {@link org.syncready.agent.sim.SimulatedFaults}, the switchboard that breaks them on demand.
 */
package org.syncready.agent.sim;
