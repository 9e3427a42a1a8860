/**
 * The fleet: the registry of schools, classrooms and boxes with their MQTT credentials
 * ({@link org.syncready.controller.fleet.FleetRegistry}, kept through a
 * {@link org.syncready.controller.fleet.FleetStore}), and the live state of every box as its
 * messages arrive ({@link org.syncready.controller.fleet.LiveFleet}): presence, latest birth and
 * status, duplicate and gap detection, staleness. What the live fleet wants kept comes out as
 * {@link org.syncready.controller.fleet.BoxRecord}s; what was kept is read back through
 * {@link org.syncready.controller.fleet.BoxHistory}. Both interfaces are implemented in the store package.
 */
package org.syncready.controller.fleet;
