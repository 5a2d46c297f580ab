-- One row per edited or cancelled occurrence of a series (two quick edits of the same
-- occurrence must not both insert). Kept identical to ../sqlite/0011_meeting_occurrences_unique.sql.
CREATE UNIQUE INDEX meetings_occurrence_one ON meetings (parent_id, recurrence_start);
