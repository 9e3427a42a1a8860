-- Users, their schools, API tokens and web console sessions (issue 13). Secrets are stored only as
-- hashes: passwords as Argon2id PHC strings, token secrets and session cookies as SHA-256 (hex).
CREATE TABLE app_user (
    username            TEXT PRIMARY KEY,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'bureau', 'school-it', 'technician')),
    password_hash       TEXT NOT NULL,
    display_name        TEXT,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0
);

-- The schools a school-it or technician account acts in.
CREATE TABLE user_school (
    username  TEXT NOT NULL REFERENCES app_user(username) ON DELETE CASCADE,
    school_id TEXT NOT NULL REFERENCES school(id),
    PRIMARY KEY (username, school_id)
);

CREATE TABLE api_token (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES app_user(username) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    revoked_by   TEXT,
    last_used_at INTEGER
);
CREATE INDEX api_token_user ON api_token(username);

CREATE TABLE web_session (
    id_hash        TEXT PRIMARY KEY,
    username       TEXT NOT NULL REFERENCES app_user(username) ON DELETE CASCADE,
    csrf_token     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    remote_address TEXT
);
CREATE INDEX web_session_user ON web_session(username);

-- The audit log says from where (the client's address) and cannot be changed once written.
ALTER TABLE audit ADD COLUMN source TEXT;
CREATE INDEX audit_actor ON audit(actor, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
