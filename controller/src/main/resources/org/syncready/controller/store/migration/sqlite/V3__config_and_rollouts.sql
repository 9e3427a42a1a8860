-- Signed desired configuration documents, every version kept (rollback targets, audit). The latest
-- version of each box is re-published retained at start (the embedded broker keeps nothing).
CREATE TABLE config_desired (
    box_id       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    profile      TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    rollout_id   TEXT,
    PRIMARY KEY (box_id, version)
) WITHOUT ROWID;

-- The latest config/reported of each box.
CREATE TABLE config_reported (
    box_id       TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    result       TEXT NOT NULL,
    error        TEXT,
    received_at  INTEGER NOT NULL
);

-- Per-school and per-box override layers (JSON objects) put on top of a box's profile.
CREATE TABLE config_override (
    scope        TEXT NOT NULL,          -- school | box
    scope_id     TEXT NOT NULL,
    body         TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (scope, scope_id)
) WITHOUT ROWID;

-- The profile each box is assigned ({model}/{name}).
CREATE TABLE box_profile (
    box_id       TEXT PRIMARY KEY,
    profile      TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE rollout (
    id           TEXT PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    request      TEXT NOT NULL,          -- the accepted request, JSON
    state        TEXT NOT NULL,          -- running | paused | completed | aborted | rolled_back
    wave         INTEGER NOT NULL,       -- index of the current wave, from 0
    reason       TEXT,                   -- why it paused or stopped
    previous_overrides TEXT,             -- the override layers it replaced, JSON, for rollback
    failure_baseline INTEGER NOT NULL DEFAULT 0, -- failed boxes at the last resume: they no longer count against the threshold
    accepted_wave INTEGER NOT NULL DEFAULT -1,   -- a wave a person resumed past, whatever its success threshold
    updated_at   INTEGER NOT NULL
);

CREATE TABLE rollout_box (
    rollout_id   TEXT NOT NULL REFERENCES rollout(id),
    box_id       TEXT NOT NULL,
    position     INTEGER NOT NULL,
    wave         INTEGER NOT NULL,
    state        TEXT NOT NULL,          -- pending | deferred | sent | applied | rejected | rolled_back | timed_out
    profile      TEXT NOT NULL,
    body         TEXT NOT NULL,          -- the rendered body to send
    previous_version INTEGER,            -- desired version before this rollout, for rollback
    version      INTEGER,                -- desired version sent
    sent_at      INTEGER,
    deferred_until INTEGER,
    error        TEXT,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (rollout_id, box_id)
) WITHOUT ROWID;

-- Who did what to which boxes, and how it ended: every rollout action and forced push.
CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT,
    result       TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
