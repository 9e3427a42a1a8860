/**
 * The controller's own MQTT 5 connection (Paho): login, Will on the controller state topic,
 * reconnect and resubscribe, and a bounded publish window. Ingest and commands share it.
 */
package org.syncready.controller.mqtt;
