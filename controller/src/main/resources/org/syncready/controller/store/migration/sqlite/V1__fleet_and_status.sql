-- Fleet registry: bureau -> school -> classroom -> box. Lead or remote is a role in a session, not of a school.
CREATE TABLE school (
    id          TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE classroom (
    id          TEXT PRIMARY KEY,
    school_id   TEXT NOT NULL REFERENCES school(id),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX classroom_school ON classroom(school_id);

-- secret_hash: SHA-256 of a 256-bit random secret (high entropy, so a fast hash is the right tool).
CREATE TABLE box (
    id           TEXT PRIMARY KEY,
    classroom_id TEXT NOT NULL REFERENCES classroom(id),
    model        TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX box_classroom ON box(classroom_id);

-- Raw status reports, kept for a short window (retention job); the key makes a redelivered
-- message an idempotent no-op.
CREATE TABLE box_status (
    box_id       TEXT NOT NULL,
    boot_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    ts           INTEGER NOT NULL,
    payload      TEXT NOT NULL,
    PRIMARY KEY (box_id, boot_id, seq)
) WITHOUT ROWID;
CREATE INDEX box_status_time ON box_status(box_id, received_at);
CREATE INDEX box_status_received ON box_status(received_at);

-- Changes of presence and device state, kept long: they are small and tell what happened.
CREATE TABLE box_event (
    id           INTEGER PRIMARY KEY,
    box_id       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    detail       TEXT
);
CREATE INDEX box_event_time ON box_event(box_id, at);

-- The latest known state of each box, so a restarted controller still knows when it last heard from it.
CREATE TABLE box_latest (
    box_id       TEXT PRIMARY KEY,
    last_seen    INTEGER,
    online       INTEGER NOT NULL DEFAULT 0,
    boot_id      TEXT,
    birth        TEXT,
    status       TEXT,
    status_at    INTEGER
);
