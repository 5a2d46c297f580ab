-- The board at 100,000 records (#4): each column's first cards are an index range in card
-- order (priority, then oldest), and the column sums read a covering index instead of the
-- wide rows. Kept logically identical to ../postgres/0006_board_indexes.sql.
CREATE INDEX leads_cards ON leads (pipeline_id, stage_id, priority DESC, id);
CREATE INDEX leads_board_sums ON leads (pipeline_id, stage_id, currency, outcome, archived_at,
    revenue_minor, probability, stage_changed_at, user_id, team_id);
