/**
 * Classroom equipment read over OPC UA: central controllers (中控), power sequencers, displays and
 * environment sensors that speak OPC UA. {@link org.syncready.agent.equipment.OpcUaEquipmentProbe}
 * is a {@link org.syncready.agent.probe.Probe} like any other (run with a timeout by the probe runner);
 * it reports {@code equipment[]} in status, each item ok, out of range or unreachable. Eclipse Milo's
 * client does the OPC UA; its classes are loaded only when agent.yaml configures equipment.
 */
package org.syncready.agent.equipment;
