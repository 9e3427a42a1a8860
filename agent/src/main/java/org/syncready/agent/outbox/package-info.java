/**
 * The agent's outbox: every data message is written to a small SQLite file before it is published
 * and removed when the broker acknowledges it, so a broker outage, an agent restart or a power cut
 * loses nothing the box made ({@link org.syncready.agent.outbox.Outbox}). Bounded by bytes and by
 * age; the oldest messages are dropped first, and counted.
 */
package org.syncready.agent.outbox;
