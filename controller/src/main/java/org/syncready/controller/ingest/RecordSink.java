package org.syncready.controller.ingest;

import org.syncready.controller.fleet.BoxRecord;

/**
 * Where ingest hands what the live fleet wants kept: the store's batch writer. {@link #put} blocks
 * while the sink is full, which stops ingest taking messages from the broker (back-pressure, never a
 * dropped record).
 */
public interface RecordSink {
    void put(BoxRecord record) throws InterruptedException;

    /**
     * Runs {@code action} once every record put before it is committed (ingest acknowledges an MQTT
     * message to the broker only then). Blocks while the sink is full, like {@link #put}.
     */
    void afterCommit(Runnable action) throws InterruptedException;
}
