-- A search's capped count checks each trigram match's access keys here instead of in the
-- lead's wide row (store::leads::FROM_FTS_COUNT). Inserts append to it (ids only grow);
-- reassigning or archiving a lead rewrites its one entry.
CREATE INDEX leads_search_count ON leads (id, archived_at, user_id, team_id);
