/**
 * The fleet: the registry of schools, classrooms and boxes with their MQTT credentials
 * ({@link org.syncready.controller.fleet.FleetRegistry}), and the live state of every box as its
 * messages arrive ({@link org.syncready.controller.fleet.LiveFleet}): presence, latest birth and
 * status, duplicate and gap detection, staleness.
 */
package org.syncready.controller.fleet;
