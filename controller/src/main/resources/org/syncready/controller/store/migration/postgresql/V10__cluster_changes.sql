-- Several controller nodes on one database (docs/SCALE.md, "Several nodes"). Each node keeps the registry,
-- the schedule and the rollouts in memory and reads them again when another node changed them; the live
-- fleet (box_latest) is read row by row as it changes. Triggers keep the marks, so no store method can
-- forget one.

-- One counter per area and node: a node re-reads an area when another node's counter moved. The node is the
-- session's application_name, which each controller node sets to its own ("syncready-controller-<node id>").
CREATE TABLE cluster_change (
    area     TEXT NOT NULL,
    node     TEXT NOT NULL,
    version  BIGINT NOT NULL,
    PRIMARY KEY (area, node)
);

-- Bumps the area's counter once per transaction however many statements it runs (a rollout writes
-- thousands of rows): a transaction-local setting remembers that it did.
CREATE FUNCTION cluster_change_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flag TEXT := 'syncready.bumped_' || TG_ARGV[0];
BEGIN
    IF coalesce(current_setting(flag, true), '') <> 'y' THEN
        INSERT INTO cluster_change(area, node, version) VALUES (TG_ARGV[0], current_setting('application_name'), 1)
            ON CONFLICT (area, node) DO UPDATE SET version = cluster_change.version + 1;
        PERFORM set_config(flag, 'y', true);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER school_changed AFTER INSERT OR UPDATE OR DELETE ON school
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('fleet');
CREATE TRIGGER classroom_changed AFTER INSERT OR UPDATE OR DELETE ON classroom
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('fleet');
CREATE TRIGGER box_changed AFTER INSERT OR UPDATE OR DELETE ON box
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('fleet');
CREATE TRIGGER term_changed AFTER INSERT OR UPDATE OR DELETE ON term
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('schedule');
CREATE TRIGGER sync_session_changed AFTER INSERT OR UPDATE OR DELETE ON sync_session
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('schedule');
CREATE TRIGGER session_remote_changed AFTER INSERT OR UPDATE OR DELETE ON session_remote
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('schedule');
CREATE TRIGGER rollout_changed AFTER INSERT OR UPDATE OR DELETE ON rollout
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('rollouts');
CREATE TRIGGER rollout_box_changed AFTER INSERT OR UPDATE OR DELETE ON rollout_box
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('rollouts');
CREATE TRIGGER config_desired_changed AFTER INSERT OR UPDATE OR DELETE ON config_desired
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('rollouts');
CREATE TRIGGER config_reported_changed AFTER INSERT OR UPDATE OR DELETE ON config_reported
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('rollouts');
CREATE TRIGGER config_override_changed AFTER INSERT OR UPDATE OR DELETE ON config_override
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('rollouts');
CREATE TRIGGER box_profile_changed AFTER INSERT OR UPDATE OR DELETE ON box_profile
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_change_bump('rollouts');

-- The live fleet: every write of a box's row records its transaction id. A reader remembers the oldest
-- transaction still running when it last looked (txid_snapshot_xmin) and next reads the rows written by that
-- one or later: a transaction that commits late is read when it does, never skipped.
ALTER TABLE box_latest ADD COLUMN changed_tx BIGINT NOT NULL DEFAULT 0;
CREATE INDEX box_latest_changed ON box_latest(changed_tx);
CREATE FUNCTION box_latest_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_tx := txid_current();
    RETURN NEW;
END $$;
CREATE TRIGGER box_latest_changed BEFORE INSERT OR UPDATE ON box_latest
    FOR EACH ROW EXECUTE FUNCTION box_latest_changed();

-- The seq of the stored latest status: with several nodes the statuses of one box are ingested by several
-- writers, and a later commit of an older status must not replace a newer one.
ALTER TABLE box_latest ADD COLUMN status_seq BIGINT;
