-- Maintained aggregates for the board and the pipeline report (#6, benchmark.md): counts and
-- sums of the non-archived leads per pipeline × stage × type × outcome × salesperson × team ×
-- currency × activity due day. Triggers append a +1 row for a lead that starts counting and
-- a −1 row for one that stops, in the same transaction as the write, so no write path can
-- forget them and concurrent writers never wait on a shared counter row. Readers sum by key;
-- `lead_sums::compact` folds the appended rows together from time to time, and
-- `sen rebuild-sums` recomputes everything from `leads`.
-- Kept logically identical to ../postgres/0013_lead_sums.sql.
CREATE TABLE lead_sums (
    id                   INTEGER PRIMARY KEY,
    pipeline_id          INTEGER NOT NULL,
    stage_id             INTEGER NOT NULL,
    type                 TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    user_id              INTEGER,
    team_id              INTEGER,
    currency             TEXT,
    activity_day_start   TEXT,
    activity_day_end     TEXT,
    count                INTEGER NOT NULL,
    revenue_minor        INTEGER,
    weighted_centi_minor INTEGER
);
CREATE INDEX lead_sums_pipeline ON lead_sums (pipeline_id, stage_id);

INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
    activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
SELECT pipeline_id, stage_id, type, outcome, user_id, team_id, currency, activity_day_start,
    activity_day_end, COUNT(*), SUM(revenue_minor), SUM(revenue_minor * probability)
FROM leads WHERE archived_at IS NULL
GROUP BY pipeline_id, stage_id, type, outcome, user_id, team_id, currency, activity_day_start,
    activity_day_end;

CREATE TRIGGER lead_sums_insert AFTER INSERT ON leads WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
        activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
    VALUES (NEW.pipeline_id, NEW.stage_id, NEW.type, NEW.outcome, NEW.user_id, NEW.team_id,
        NEW.currency, NEW.activity_day_start, NEW.activity_day_end, 1, NEW.revenue_minor,
        NEW.revenue_minor * NEW.probability);
END;

CREATE TRIGGER lead_sums_delete AFTER DELETE ON leads WHEN OLD.archived_at IS NULL
BEGIN
    INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
        activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
    VALUES (OLD.pipeline_id, OLD.stage_id, OLD.type, OLD.outcome, OLD.user_id, OLD.team_id,
        OLD.currency, OLD.activity_day_start, OLD.activity_day_end, -1, -OLD.revenue_minor,
        -(OLD.revenue_minor * OLD.probability));
END;

-- An update counts only when something the aggregates hold changed.
CREATE TRIGGER lead_sums_update_old AFTER UPDATE ON leads
WHEN OLD.archived_at IS NULL AND (
    NEW.archived_at IS NOT NULL OR NEW.pipeline_id IS NOT OLD.pipeline_id
    OR NEW.stage_id IS NOT OLD.stage_id OR NEW.type IS NOT OLD.type
    OR NEW.outcome IS NOT OLD.outcome OR NEW.user_id IS NOT OLD.user_id
    OR NEW.team_id IS NOT OLD.team_id OR NEW.currency IS NOT OLD.currency
    OR NEW.activity_day_start IS NOT OLD.activity_day_start
    OR NEW.activity_day_end IS NOT OLD.activity_day_end
    OR NEW.revenue_minor IS NOT OLD.revenue_minor OR NEW.probability IS NOT OLD.probability)
BEGIN
    INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
        activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
    VALUES (OLD.pipeline_id, OLD.stage_id, OLD.type, OLD.outcome, OLD.user_id, OLD.team_id,
        OLD.currency, OLD.activity_day_start, OLD.activity_day_end, -1, -OLD.revenue_minor,
        -(OLD.revenue_minor * OLD.probability));
END;

CREATE TRIGGER lead_sums_update_new AFTER UPDATE ON leads
WHEN NEW.archived_at IS NULL AND (
    OLD.archived_at IS NOT NULL OR NEW.pipeline_id IS NOT OLD.pipeline_id
    OR NEW.stage_id IS NOT OLD.stage_id OR NEW.type IS NOT OLD.type
    OR NEW.outcome IS NOT OLD.outcome OR NEW.user_id IS NOT OLD.user_id
    OR NEW.team_id IS NOT OLD.team_id OR NEW.currency IS NOT OLD.currency
    OR NEW.activity_day_start IS NOT OLD.activity_day_start
    OR NEW.activity_day_end IS NOT OLD.activity_day_end
    OR NEW.revenue_minor IS NOT OLD.revenue_minor OR NEW.probability IS NOT OLD.probability)
BEGIN
    INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
        activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
    VALUES (NEW.pipeline_id, NEW.stage_id, NEW.type, NEW.outcome, NEW.user_id, NEW.team_id,
        NEW.currency, NEW.activity_day_start, NEW.activity_day_end, 1, NEW.revenue_minor,
        NEW.revenue_minor * NEW.probability);
END;

-- The column sums no longer scan leads (they read lead_sums); the stale count is an index
-- range of the open records of a stage changed before a time.
DROP INDEX leads_board_sums;
CREATE INDEX leads_stale ON leads (pipeline_id, outcome, stage_id, stage_changed_at, archived_at,
    user_id, team_id);
