-- The settings stamp: one number that changes in the same transaction as any change to what
-- the busy requests read on every call and users change rarely (pipelines, their stages and
-- teams, the workspace row, the currency rates). The application keeps those settings in
-- memory and reads them again when the stamp it sees differs (app::settings). A random
-- value rather than a counter, so a restored or re-created database never repeats the
-- stamp of another state.
CREATE TABLE settings_stamp (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    stamp  INTEGER NOT NULL
);
INSERT INTO settings_stamp (id, stamp) VALUES (1, random());

CREATE TRIGGER pipelines_settings_stamp_insert AFTER INSERT ON pipelines
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

-- Every column but next_number, which each new record's number takes.
CREATE TRIGGER pipelines_settings_stamp_update AFTER UPDATE OF name, kind, number_prefix, lost_reason_required, sequence, version, created_at, updated_at, id ON pipelines
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER pipelines_settings_stamp_delete AFTER DELETE ON pipelines
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER pipeline_teams_settings_stamp_insert AFTER INSERT ON pipeline_teams
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER pipeline_teams_settings_stamp_update AFTER UPDATE ON pipeline_teams
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER pipeline_teams_settings_stamp_delete AFTER DELETE ON pipeline_teams
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER stages_settings_stamp_insert AFTER INSERT ON stages
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER stages_settings_stamp_update AFTER UPDATE ON stages
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER stages_settings_stamp_delete AFTER DELETE ON stages
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER stage_teams_settings_stamp_insert AFTER INSERT ON stage_teams
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER stage_teams_settings_stamp_update AFTER UPDATE ON stage_teams
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER stage_teams_settings_stamp_delete AFTER DELETE ON stage_teams
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER workspace_settings_stamp_insert AFTER INSERT ON workspace
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER workspace_settings_stamp_update AFTER UPDATE ON workspace
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER workspace_settings_stamp_delete AFTER DELETE ON workspace
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER currency_rates_settings_stamp_insert AFTER INSERT ON currency_rates
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER currency_rates_settings_stamp_update AFTER UPDATE ON currency_rates
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;

CREATE TRIGGER currency_rates_settings_stamp_delete AFTER DELETE ON currency_rates
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;
