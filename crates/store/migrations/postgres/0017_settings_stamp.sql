-- The settings stamp: one number that changes in the same transaction as any change to what
-- the busy requests read on every call and users change rarely (pipelines, their stages and
-- teams, the workspace row, the currency rates). The application keeps those settings in
-- memory and reads them again when the stamp it sees differs (app::settings). A random
-- value rather than a counter, so a restored or re-created database never repeats the
-- stamp of another state.
CREATE TABLE settings_stamp (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    stamp  BIGINT NOT NULL
);

CREATE FUNCTION settings_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE settings_stamp SET stamp = floor((random() - 0.5) * 9.0e18)::bigint WHERE id = 1;
    RETURN NULL;
END
$$;

INSERT INTO settings_stamp (id, stamp) VALUES (1, floor((random() - 0.5) * 9.0e18)::bigint);

-- Row changes move the stamp when their transaction commits (deferred constraint
-- triggers): a transaction then takes the stamp's row lock last, after every row it changes,
-- so two concurrent settings edits wait for each other at most, never in a cycle.
-- TRUNCATE (a restore) has no row triggers; a statement trigger covers it.

-- Every column but next_number, which each new record's number takes.
CREATE CONSTRAINT TRIGGER pipelines_settings_stamp AFTER INSERT OR UPDATE OF name, kind, number_prefix, lost_reason_required, sequence, version, created_at, updated_at, id OR DELETE ON pipelines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settings_stamp_bump();
CREATE TRIGGER pipelines_settings_stamp_truncate AFTER TRUNCATE ON pipelines
    FOR EACH STATEMENT EXECUTE FUNCTION settings_stamp_bump();

CREATE CONSTRAINT TRIGGER pipeline_teams_settings_stamp AFTER INSERT OR UPDATE OR DELETE ON pipeline_teams
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settings_stamp_bump();
CREATE TRIGGER pipeline_teams_settings_stamp_truncate AFTER TRUNCATE ON pipeline_teams
    FOR EACH STATEMENT EXECUTE FUNCTION settings_stamp_bump();

CREATE CONSTRAINT TRIGGER stages_settings_stamp AFTER INSERT OR UPDATE OR DELETE ON stages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settings_stamp_bump();
CREATE TRIGGER stages_settings_stamp_truncate AFTER TRUNCATE ON stages
    FOR EACH STATEMENT EXECUTE FUNCTION settings_stamp_bump();

CREATE CONSTRAINT TRIGGER stage_teams_settings_stamp AFTER INSERT OR UPDATE OR DELETE ON stage_teams
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settings_stamp_bump();
CREATE TRIGGER stage_teams_settings_stamp_truncate AFTER TRUNCATE ON stage_teams
    FOR EACH STATEMENT EXECUTE FUNCTION settings_stamp_bump();

CREATE CONSTRAINT TRIGGER workspace_settings_stamp AFTER INSERT OR UPDATE OR DELETE ON workspace
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settings_stamp_bump();
CREATE TRIGGER workspace_settings_stamp_truncate AFTER TRUNCATE ON workspace
    FOR EACH STATEMENT EXECUTE FUNCTION settings_stamp_bump();

CREATE CONSTRAINT TRIGGER currency_rates_settings_stamp AFTER INSERT OR UPDATE OR DELETE ON currency_rates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settings_stamp_bump();
CREATE TRIGGER currency_rates_settings_stamp_truncate AFTER TRUNCATE ON currency_rates
    FOR EACH STATEMENT EXECUTE FUNCTION settings_stamp_bump();
