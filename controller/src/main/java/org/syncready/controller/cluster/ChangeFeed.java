package org.syncready.controller.cluster;

import java.util.List;
import java.util.Map;
import org.syncready.controller.fleet.BoxHistory;

/**
 * What other controller nodes changed in the shared store (implemented in the store package on
 * PostgreSQL's change marks, migration V10). Every method blocks; a failure of the store is thrown
 * unchecked.
 */
public interface ChangeFeed {

    /** The rows of the live fleet written since a cursor, and the cursor to ask with next time. */
    record LatestChanges(List<BoxHistory.LatestRecord> rows, long next) {
    }

    /** Each area's change counter ("fleet", "schedule", "rollouts"), per node that changed it. */
    Map<String, Map<String, Long>> versions();

    /**
     * Every box's latest-state row written by a transaction at or after {@code since} (0: every row). A row
     * may come again in the next answer; none written after the previous answer is ever left out.
     */
    LatestChanges latestSince(long since);
}
