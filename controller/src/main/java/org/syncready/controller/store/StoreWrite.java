package org.syncready.controller.store;

/** One row for the batch writer. */
public sealed interface StoreWrite {
    String boxId();

    /** When the controller received what this row records (epoch ms). */
    long receivedAt();

    /** A status report, stored raw (the JSON as the box sent it) and as the box's latest status. */
    record Status(String boxId, long receivedAt, long ts, String bootId, long seq, String json) implements StoreWrite {
    }

    /** A birth, kept as the box's latest birth. */
    record Birth(String boxId, long receivedAt, String bootId, String json) implements StoreWrite {
    }

    /** A change of presence or of a device's state; {@code kind} e.g. "online", "camera". */
    record Event(String boxId, long receivedAt, String kind, String detail) implements StoreWrite {
    }

    /** Whether the box is connected, kept in its latest state. */
    record Presence(String boxId, long receivedAt, boolean online) implements StoreWrite {
    }
}
