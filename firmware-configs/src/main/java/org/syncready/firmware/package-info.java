/**
 * The configuration catalogue: profiles per box model, their JSON Schemas, {@code extends} between
 * profiles and the override layers (school, box) put on top. Used by the build (every profile must
 * validate), the controller (renders desired documents), the agent (validates what it receives) and
 * the technician CLI.
 */
package org.syncready.firmware;
