-- Alerts (docs/ALERTS.md): channels with their target sealed, problems, notices, the outbox and its
-- delivery log, quiet hours and maintenance windows. Times are epoch milliseconds.

CREATE TABLE alert_channel (
    id            TEXT PRIMARY KEY,
    school_id     TEXT,                 -- NULL: a bureau channel
    settings      TEXT NOT NULL,        -- JSON: kind, name, enabled, language, topics, minLevel, perMinute
    target_sealed TEXT NOT NULL,        -- URL / secret / SMTP settings, AES-GCM sealed (keys/alert-secrets.key)
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE alert_problem (
    problem_key TEXT PRIMARY KEY,
    live        INTEGER NOT NULL,       -- 1: open, or its recovery notice still to send
    updated_at  INTEGER NOT NULL,
    body        TEXT NOT NULL           -- JSON of the problem
);
CREATE INDEX alert_problem_live ON alert_problem (live);

CREATE TABLE alert_notice (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    topic        TEXT NOT NULL,
    school_id    TEXT,
    trigger_name TEXT NOT NULL,
    at           INTEGER NOT NULL,
    body         TEXT NOT NULL,         -- JSON of the notice
    acked_by     TEXT,
    acked_via    TEXT,
    acked_at     INTEGER
);
CREATE INDEX alert_notice_school ON alert_notice (school_id, id);
CREATE INDEX alert_notice_at ON alert_notice (at);

CREATE TABLE alert_message (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id      TEXT NOT NULL,
    notice_ids      TEXT NOT NULL,      -- JSON array of notice ids (several for a digest)
    digest          INTEGER NOT NULL,
    test            INTEGER NOT NULL,
    state           TEXT NOT NULL,      -- QUEUED, SENT, FAILED, MERGED, EXPIRED, DROPPED, CANCELLED
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER,
    last_code       TEXT,
    last_error      TEXT,
    sent_at         INTEGER,
    merged_into     INTEGER,
    title           TEXT
);
CREATE INDEX alert_message_channel ON alert_message (channel_id, id);
CREATE INDEX alert_message_state ON alert_message (state, id);

CREATE TABLE alert_attempt (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    at         INTEGER NOT NULL,
    outcome    TEXT NOT NULL,           -- sent, throttled, retry, failed, merged, expired, dropped
    code       TEXT,
    detail     TEXT,
    millis     INTEGER NOT NULL
);
CREATE INDEX alert_attempt_channel ON alert_attempt (channel_id, id);
CREATE INDEX alert_attempt_at ON alert_attempt (at);

CREATE TABLE alert_quiet_hours (
    school_id TEXT PRIMARY KEY,
    from_time TEXT NOT NULL,            -- HH:mm in the bureau's zone
    to_time   TEXT NOT NULL
);

CREATE TABLE alert_maintenance (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id    TEXT NOT NULL,
    classroom_id TEXT,                  -- NULL: the whole school
    from_at      INTEGER NOT NULL,
    until_at     INTEGER NOT NULL,
    note         TEXT,
    by_actor     TEXT
);
CREATE INDEX alert_maintenance_until ON alert_maintenance (until_at);
