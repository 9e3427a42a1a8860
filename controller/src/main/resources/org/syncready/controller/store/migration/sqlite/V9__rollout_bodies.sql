-- The rendered bodies of a rollout, each distinct one stored once: the boxes of a school (often of a
-- whole province) get the same body, and 10,000 copies of it made the start of a large rollout write
-- ~20 MB in one transaction. A box row names its body by ref; rows stored before this keep theirs inline.
CREATE TABLE rollout_body (
    rollout_id   TEXT NOT NULL REFERENCES rollout(id),
    ref          INTEGER NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (rollout_id, ref)
) WITHOUT ROWID;

ALTER TABLE rollout_box ADD COLUMN body_ref INTEGER;
