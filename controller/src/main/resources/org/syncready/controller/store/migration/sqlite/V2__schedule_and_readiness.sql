-- Term calendars (holidays, make-up days, periods) as the JSON the API accepts: read whole, rarely.
CREATE TABLE term (
    id          TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- One row per session occurrence. A lead classroom cannot hold two sessions starting at the same
-- instant, so (lead, start) is the natural key that makes re-importing a timetable idempotent.
CREATE TABLE sync_session (
    id                 TEXT PRIMARY KEY,
    lead_classroom_id  TEXT NOT NULL,
    subject            TEXT NOT NULL,
    teacher            TEXT,
    kind               TEXT NOT NULL,
    start_at           INTEGER NOT NULL,
    end_at             INTEGER NOT NULL,
    source             TEXT,
    updated_at         INTEGER NOT NULL,
    UNIQUE (lead_classroom_id, start_at)
);
CREATE INDEX sync_session_start ON sync_session(start_at);
CREATE INDEX sync_session_end ON sync_session(end_at);

CREATE TABLE session_remote (
    session_id    TEXT NOT NULL REFERENCES sync_session(id) ON DELETE CASCADE,
    classroom_id  TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (session_id, classroom_id)
) WITHOUT ROWID;
CREATE INDEX session_remote_classroom ON session_remote(classroom_id);

-- Every readiness check of a session (T-30, T-5, on demand, during class): the verdict and the
-- per-classroom detail as JSON, so a report can say what was known when.
CREATE TABLE readiness_check (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL,
    checked_at  INTEGER NOT NULL,
    trigger     TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX readiness_check_session ON readiness_check(session_id, checked_at);

-- What went wrong while a session ran, and for how long (ended_at NULL while still open).
CREATE TABLE session_incident (
    id            INTEGER PRIMARY KEY,
    session_id    TEXT NOT NULL,
    classroom_id  TEXT NOT NULL,
    box_id        TEXT,
    code          TEXT NOT NULL,
    device        TEXT,
    severity      TEXT NOT NULL,
    message       TEXT,
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER
);
CREATE INDEX session_incident_session ON session_incident(session_id);
