package org.syncready.bench.sim;

import java.util.concurrent.atomic.LongAdder;

/** What the simulated fleet did, counted across all boxes; safe to read from any thread. */
public final class SimCounters {
    final LongAdder connected = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder connectionsLost = new LongAdder();
    final LongAdder statusSent = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder publishFailures = new LongAdder();
    final LongAdder skippedOffline = new LongAdder();
    final LongAdder configAcks = new LongAdder();
    final LongAdder commandAnswers = new LongAdder();
    /** Significant changes the boxes reported at once (report by exception: a camera breaking or recovering). */
    final LongAdder changes = new LongAdder();

    public long changes() {
        return changes.sum();
    }

    /** Boxes connected now. */
    public long connected() {
        return connected.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    /** Connections that dropped without the simulator closing them (each one reconnects). */
    public long connectionsLost() {
        return connectionsLost.sum();
    }

    /** Status messages handed to MQTT (periodic, on change, and bursts). */
    public long statusSent() {
        return statusSent.sum();
    }

    /** All QoS 1 publications handed to MQTT. */
    public long published() {
        return published.sum();
    }

    /** Publications the broker acknowledged (PUBACK): the broker owns them from then on. */
    public long acked() {
        return acked.sum();
    }

    /** Publications refused by the client or unacknowledged within the ack timeout. */
    public long publishFailures() {
        return publishFailures.sum();
    }

    /** Periodic statuses not sent because the box was between connections. */
    public long skippedOffline() {
        return skippedOffline.sum();
    }

    /** config/reported "applied" answers sent. */
    public long configAcks() {
        return configAcks.sum();
    }

    /** cmd/response answers sent. */
    public long commandAnswers() {
        return commandAnswers.sum();
    }

    @Override
    public String toString() {
        return "connected=" + connected() + " connectFailures=" + connectFailures() + " lost=" + connectionsLost()
                + " status=" + statusSent() + " published=" + published() + " acked=" + acked()
                + " publishFailures=" + publishFailures() + " configAcks=" + configAcks() + " commandAnswers=" + commandAnswers();
    }
}
