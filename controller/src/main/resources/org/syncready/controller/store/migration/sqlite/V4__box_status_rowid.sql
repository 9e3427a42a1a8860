-- box_status was a WITHOUT ROWID table. Its rows carry the ~1.5 KB status JSON, and SQLite keeps a
-- WITHOUT ROWID table's rows inside the key's B-tree, so every insert at one of 10,000 boxes' key
-- positions split pages full of large rows (SQLite advises WITHOUT ROWID only for rows well under
-- 1/20 of a page). As a rowid table with the same key as a UNIQUE constraint, rows are appended and
-- only the small key is placed in order: the store writer inserted 2.6x faster (docs/BENCHMARKS.md).
-- INSERT OR IGNORE still turns a redelivered message into a no-op through the UNIQUE constraint.
CREATE TABLE box_status_rowid (
    box_id       TEXT NOT NULL,
    boot_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    ts           INTEGER NOT NULL,
    payload      TEXT NOT NULL,
    UNIQUE (box_id, boot_id, seq)
);
INSERT INTO box_status_rowid (box_id, boot_id, seq, received_at, ts, payload)
    SELECT box_id, boot_id, seq, received_at, ts, payload FROM box_status ORDER BY received_at;
DROP TABLE box_status;
ALTER TABLE box_status_rowid RENAME TO box_status;
CREATE INDEX box_status_time ON box_status(box_id, received_at);
CREATE INDEX box_status_received ON box_status(received_at);
