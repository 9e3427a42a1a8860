package org.syncready.controller.ingest;

import org.syncready.controller.fleet.BoxRecord;

/**
 * Where ingest hands what the live fleet wants kept: the store's batch writer. {@link #put} blocks
 * while the sink is full, which stops ingest taking messages from the broker (back-pressure, never a
 * dropped record).
 */
public interface RecordSink {
    void put(BoxRecord record) throws InterruptedException;
}
