/**
 * Network checks boxes run against the controller: the authenticated, rate-limited UDP echo
 * service ({@link org.syncready.controller.netcheck.EchoResponder}) for RTT, jitter and loss. The
 * uplink speed test is an HTTP endpoint (see {@code api.SpeedtestRoutes}).
 */
package org.syncready.controller.netcheck;
