/**
 * TLS for the controller's listeners: {@link org.syncready.controller.tls.TlsIdentity} is the
 * certificate chain and key the broker's MQTT-over-TLS listener and the HTTPS server present, either
 * the operator's PEM files or the controller's own CA and server certificate made at first start, and
 * the CA certificate boxes pin at enrollment.
 */
package org.syncready.controller.tls;
