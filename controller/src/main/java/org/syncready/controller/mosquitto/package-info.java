/**
 * Box accounts in an external Mosquitto 2 broker, kept through its dynamic-security plugin's control
 * API ({@code $CONTROL/dynamic-security/v1}): one client and one role per box, created, re-keyed and
 * deleted as the fleet registry changes, and reconciled with the registry at start.
 */
package org.syncready.controller.mosquitto;
