package org.syncready.controller.fleet;

/**
 * Something about a box that the live fleet asks to be kept: what {@link LiveFleet#apply} and
 * {@link LiveFleet#checkStale} return, and what the store writer turns into rows.
 */
public sealed interface BoxRecord {
    String boxId();

    /** When the controller received what this record is about (epoch ms). */
    long receivedAt();

    /**
     * A status report, kept raw (the JSON as the box sent it); when {@code live}, also as the box's
     * latest status. A status that is history only (historical, of an older boot, or older than the
     * live one) is not live: it must never replace the latest status, even after a restart.
     */
    record Status(String boxId, long receivedAt, long ts, String bootId, long seq, String json, boolean live) implements BoxRecord {
        /** A live status. */
        public Status(String boxId, long receivedAt, long ts, String bootId, long seq, String json) {
            this(boxId, receivedAt, ts, bootId, seq, json, true);
        }
    }

    /** A birth, kept as the box's latest birth. */
    record Birth(String boxId, long receivedAt, String bootId, String json) implements BoxRecord {
    }

    /** A change of presence or of a device's state; {@code kind} e.g. "online", "camera". */
    record Event(String boxId, long receivedAt, String kind, String detail) implements BoxRecord {
    }

    /** Whether the box is connected, kept in its latest state. */
    record Presence(String boxId, long receivedAt, boolean online) implements BoxRecord {
    }
}
