-- A search's capped count checks each trigram match's access keys here instead of in the
-- lead's wide row (store::leads::FROM_FTS_COUNT). Ids only grow, so writes append to it.
CREATE INDEX leads_search_count ON leads (id, archived_at, user_id, team_id);
