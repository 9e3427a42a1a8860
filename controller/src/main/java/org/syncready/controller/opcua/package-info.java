/**
 * The OPC UA server (Eclipse Milo): the fleet and its readiness as an address space for SCADA,
 * building-management and IoT platforms (docs/OPCUA.md). {@link org.syncready.controller.opcua.FleetOpcUaServer}
 * starts it from the registry, the live fleet and the schedule; nodes are computed when asked for
 * (nothing per box is kept), values are live, and users log in with SyncReady accounts
 * ({@link org.syncready.controller.opcua.OpcUaUsers}) and see only their schools. Methods
 * (RunSelfTest, CheckSession) go through {@link org.syncready.controller.opcua.BoxSelfTests} and
 * {@link org.syncready.controller.opcua.SessionVerdicts}, which the controller wires.
 */
package org.syncready.controller.opcua;
