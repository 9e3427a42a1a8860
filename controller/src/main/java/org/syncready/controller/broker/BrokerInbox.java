package org.syncready.controller.broker;

/**
 * Where the embedded broker hands the publishes of boxes it is to keep before it acknowledges them
 * (in-broker ingest): the broker's PUBACK to the box waits until {@code acknowledge} has run.
 */
public interface BrokerInbox {
    /** Whether {@code topic} is taken here (checked for every inbound publish: must be cheap). */
    boolean takes(String topic);

    /**
     * Takes one publish the sender is allowed to make, on a broker extension thread. May block while
     * the inbox is full (back-pressure on every box's PUBACK); must not throw for a bad payload (refuse
     * it, count it, and still call {@code acknowledge}). {@code acknowledge} may run on any thread, once.
     */
    void take(String topic, byte[] payload, Runnable acknowledge);
}
