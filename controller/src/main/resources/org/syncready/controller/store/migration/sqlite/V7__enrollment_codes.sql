-- Enrollment codes (controller enroll package). The code itself is never stored: code_hash is an
-- HMAC-SHA256 of it under the controller's keys/enrollment.key. (V7: V5 and V6 are taken by branches
-- landing alongside this one.)
CREATE TABLE enrollment_code (
    id           TEXT PRIMARY KEY,
    code_hash    TEXT NOT NULL UNIQUE,
    classroom_id TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER,
    used_by_box  TEXT,
    revoked_at   INTEGER
);
CREATE INDEX enrollment_code_classroom ON enrollment_code(classroom_id, created_at);
CREATE INDEX enrollment_code_created ON enrollment_code(created_at);
