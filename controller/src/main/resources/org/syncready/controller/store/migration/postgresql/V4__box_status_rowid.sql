-- PostgreSQL twin of sqlite/V4, which rebuilt SQLite's box_status as a rowid table. PostgreSQL's tables
-- are heaps already (V1 created box_status in its final form): nothing to change, the version is kept so
-- both folders stay in step.
SELECT 1;
