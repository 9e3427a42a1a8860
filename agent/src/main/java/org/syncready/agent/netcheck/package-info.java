/**
 * Network quality against the controller: UDP echo bursts (RTT, RFC 3550 jitter, loss), timed
 * uploads to its speed-test sink (uplink; a "too soon" from the controller postpones the test and keeps
 * the previous figure with its measuring time), and the clock offset from an NTP server. The checks run
 * on their own thread ({@link org.syncready.agent.netcheck.NetworkChecks}) and
 * {@link org.syncready.agent.netcheck.QualityNetworkProbe} adds their latest results to each round.
 */
package org.syncready.agent.netcheck;
