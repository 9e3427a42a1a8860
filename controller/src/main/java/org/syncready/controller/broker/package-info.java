/**
 * The embedded MQTT 5 broker (HiveMQ CE) and its access control: per-box credentials, and an ACL
 * that confines each box to its own topic tree. With an external broker this package is not used.
 */
package org.syncready.controller.broker;
