-- SQLite's 0016 adds a narrow index for counting trigram matches; PostgreSQL's trigram
-- indexes are GIN, whose matches are checked in the table either way. Kept so both
-- databases list the same migration versions.
SELECT 1;
