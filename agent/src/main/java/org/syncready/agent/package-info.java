/**
 * The SyncReady agent that runs on a classroom recording box. {@link org.syncready.agent.Agent}
 * wires probes, the MQTT reporter and the command handler together; {@link org.syncready.agent.SimulatedFleet}
 * runs several (simulated) agents in one JVM; {@link org.syncready.agent.AgentMain} is the command
 * line ({@code java -jar syncready-agent.jar --config agent.yaml}).
 */
package org.syncready.agent;
