-- PostgreSQL twin of sqlite/V7.
CREATE TABLE enrollment_code (
    id           TEXT PRIMARY KEY,
    code_hash    TEXT NOT NULL UNIQUE,
    classroom_id TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT,
    used_by_box  TEXT,
    revoked_at   BIGINT
);
CREATE INDEX enrollment_code_classroom ON enrollment_code(classroom_id, created_at);
CREATE INDEX enrollment_code_created ON enrollment_code(created_at);
