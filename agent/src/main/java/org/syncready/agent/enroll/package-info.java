/**
 * {@code syncready-agent enroll}: a box redeems an enrollment code at the controller
 * ({@link org.syncready.agent.enroll.Enrollment}) and writes what it receives into agent.yaml, a 0600
 * secret file and the controller's CA certificate, so the agent then starts with MQTT over TLS and
 * nobody copies a secret by hand. The first contact is trusted through the CA fingerprint shown with
 * the code, or the system trust store.
 */
package org.syncready.agent.enroll;
