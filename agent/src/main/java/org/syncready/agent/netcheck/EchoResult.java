package org.syncready.agent.netcheck;

/**
 * One echo burst.
 *
 * @param sent     packets sent
 * @param received valid replies received in time
 * @param rttMs    median round-trip time; null when nothing came back
 * @param jitterMs RFC 3550 interarrival jitter of the round-trip times; null with fewer than two replies
 * @param lossPct  share of packets without a reply, 0..100
 */
public record EchoResult(int sent, int received, Double rttMs, Double jitterMs, double lossPct) {
}
