-- PostgreSQL twin of sqlite/V5 (no REFERENCES, as in V1: SQLite never enforced them).
CREATE TABLE app_user (
    username            TEXT PRIMARY KEY,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'bureau', 'school-it', 'technician')),
    password_hash       TEXT NOT NULL,
    display_name        TEXT,
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    disabled            BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE user_school (
    username  TEXT NOT NULL,
    school_id TEXT NOT NULL,
    PRIMARY KEY (username, school_id)
);

CREATE TABLE api_token (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    revoked_by   TEXT,
    last_used_at BIGINT
);
CREATE INDEX api_token_user ON api_token(username);

CREATE TABLE web_session (
    id_hash        TEXT PRIMARY KEY,
    username       TEXT NOT NULL,
    csrf_token     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    last_seen_at   BIGINT NOT NULL,
    remote_address TEXT
);
CREATE INDEX web_session_user ON web_session(username);

ALTER TABLE audit ADD COLUMN source TEXT;
CREATE INDEX audit_actor ON audit(actor, id);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
