-- PostgreSQL twin of sqlite/V9: each distinct rendered body of a rollout stored once; a box row names its
-- body by ref (rows stored before this keep theirs inline). No REFERENCES, as in V1.
CREATE TABLE rollout_body (
    rollout_id   TEXT NOT NULL,
    ref          BIGINT NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (rollout_id, ref)
);

ALTER TABLE rollout_box ADD COLUMN body_ref BIGINT;
