-- The board sums and the lists' totals read lead_sums by pipeline (or whole): a covering
-- index in the board's grouping order makes that an index-only pass with no sort.
-- Kept identical on both databases.
CREATE INDEX lead_sums_cover ON lead_sums (pipeline_id, stage_id, currency, outcome, type,
    user_id, team_id, activity_day_start, activity_day_end, count, revenue_minor,
    weighted_centi_minor);
DROP INDEX lead_sums_pipeline;
