-- Several controller nodes share one PostgreSQL database (docs/SCALE.md, "Several nodes"); a SQLite store has
-- one node, so nothing here is filled: the table and column exist so that both stores have the same schema
-- (StoreMigrationsTest) and migrate-store copies the same tables.
CREATE TABLE cluster_change (
    area     TEXT NOT NULL,
    node     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    PRIMARY KEY (area, node)
);
ALTER TABLE box_latest ADD COLUMN changed_tx INTEGER NOT NULL DEFAULT 0;

-- The seq of the stored latest status: with several nodes the statuses of one box are ingested by several
-- writers, and a later commit of an older status must not replace a newer one.
ALTER TABLE box_latest ADD COLUMN status_seq INTEGER;
