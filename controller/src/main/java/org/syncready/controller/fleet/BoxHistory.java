package org.syncready.controller.fleet;

import java.util.List;

/**
 * What was kept of each box's messages: raw status reports, events, and the latest state (from which
 * {@link LiveFleet#restore} rebuilds the live fleet after a restart). Implemented in the store package;
 * every method blocks, so call it from a worker or an own thread, never an event loop. A failure of
 * the store is thrown unchecked.
 */
public interface BoxHistory {

    /** One kept status report; {@code json} is the payload exactly as the box sent it. */
    record StatusRecord(long receivedAt, long ts, String bootId, long seq, String json) {
    }

    /** One kept change of presence or device state. */
    record EventRecord(long at, String kind, String detail) {
    }

    /**
     * The last known state of a box as kept. Each part may be missing: a box that has sent its
     * {@code state} but no status yet has no {@code statusJson} and no {@code statusAt}.
     */
    record LatestRecord(String boxId, Long lastSeen, boolean online, String bootId, String birthJson,
                        String statusJson, Long statusAt) {
    }

    /** Status reports received in [from, to), oldest first, at most {@code limit}. */
    List<StatusRecord> statusHistory(String boxId, long from, long to, int limit);

    /** Events in [from, to), oldest first, at most {@code limit}. */
    List<EventRecord> events(String boxId, long from, long to, int limit);

    /** The latest kept state of every box that has sent anything. */
    List<LatestRecord> latest();

    /** Deletes raw reports received before {@code cutoff}; events and latest state stay. Returns how many went. */
    int pruneStatusBefore(long cutoff);
}
