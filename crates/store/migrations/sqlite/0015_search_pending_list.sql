-- PostgreSQL's 0015 bounds its trigram indexes' pending lists; SQLite's FTS5 tables have
-- no such list. Kept so both databases list the same migration versions.
SELECT 1;
