-- Maintained aggregates for the board and the pipeline report (#6, benchmark.md): counts and
-- sums of the non-archived leads per pipeline × stage × type × outcome × salesperson × team ×
-- currency × activity due day. A trigger appends a +1 row for a lead that starts counting and
-- a −1 row for one that stops, in the same transaction as the write, so no write path can
-- forget them and concurrent writers never wait on (or deadlock over) a shared counter row.
-- Readers sum by key; `lead_sums::compact` folds the appended rows together from time to
-- time, and `sen rebuild-sums` recomputes everything from `leads`.
-- Kept logically identical to ../sqlite/0013_lead_sums.sql.
CREATE TABLE lead_sums (
    id                   BIGSERIAL PRIMARY KEY,
    pipeline_id          BIGINT NOT NULL,
    stage_id             BIGINT NOT NULL,
    type                 TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    user_id              BIGINT,
    team_id              BIGINT,
    currency             TEXT,
    activity_day_start   TIMESTAMPTZ,
    activity_day_end     TIMESTAMPTZ,
    count                BIGINT NOT NULL,
    revenue_minor        BIGINT,
    weighted_centi_minor BIGINT
);
CREATE INDEX lead_sums_pipeline ON lead_sums (pipeline_id, stage_id);

INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
    activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
SELECT pipeline_id, stage_id, type, outcome, user_id, team_id, currency, activity_day_start,
    activity_day_end, COUNT(*), SUM(revenue_minor), SUM(revenue_minor * probability)
FROM leads WHERE archived_at IS NULL
GROUP BY pipeline_id, stage_id, type, outcome, user_id, team_id, currency, activity_day_start,
    activity_day_end;

CREATE FUNCTION lead_sums_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean := TG_OP <> 'UPDATE' OR
        (OLD.archived_at IS NULL) IS DISTINCT FROM (NEW.archived_at IS NULL) OR
        (OLD.pipeline_id, OLD.stage_id, OLD.type, OLD.outcome, OLD.user_id, OLD.team_id,
         OLD.currency, OLD.activity_day_start, OLD.activity_day_end, OLD.revenue_minor,
         OLD.probability)
        IS DISTINCT FROM
        (NEW.pipeline_id, NEW.stage_id, NEW.type, NEW.outcome, NEW.user_id, NEW.team_id,
         NEW.currency, NEW.activity_day_start, NEW.activity_day_end, NEW.revenue_minor,
         NEW.probability);
BEGIN
    IF NOT changed THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN
        INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
            activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
        VALUES (OLD.pipeline_id, OLD.stage_id, OLD.type, OLD.outcome, OLD.user_id, OLD.team_id,
            OLD.currency, OLD.activity_day_start, OLD.activity_day_end, -1, -OLD.revenue_minor,
            -(OLD.revenue_minor * OLD.probability));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.archived_at IS NULL THEN
        INSERT INTO lead_sums (pipeline_id, stage_id, type, outcome, user_id, team_id, currency,
            activity_day_start, activity_day_end, count, revenue_minor, weighted_centi_minor)
        VALUES (NEW.pipeline_id, NEW.stage_id, NEW.type, NEW.outcome, NEW.user_id, NEW.team_id,
            NEW.currency, NEW.activity_day_start, NEW.activity_day_end, 1, NEW.revenue_minor,
            NEW.revenue_minor * NEW.probability);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER lead_sums_track AFTER INSERT OR UPDATE OR DELETE ON leads
    FOR EACH ROW EXECUTE FUNCTION lead_sums_track();

-- The column sums no longer scan leads (they read lead_sums); the stale count is an index
-- range of the open records of a stage changed before a time.
DROP INDEX leads_board_sums;
CREATE INDEX leads_stale ON leads (pipeline_id, outcome, stage_id, stage_changed_at);
