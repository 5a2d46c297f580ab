-- Meetings (#5): a series (or a single meeting), with attendees and reminders; an edit of
-- one occurrence is its own row pointing at the series (`parent_id`, `recurrence_start`),
-- a cancelled occurrence likewise (`cancelled`). Kept logically identical to
-- ../postgres/0009_meetings.sql.
CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL,
    start_at         TEXT NOT NULL,
    stop_at          TEXT NOT NULL,
    all_day          BOOLEAN NOT NULL DEFAULT FALSE,
    time_zone        TEXT NOT NULL,
    location         TEXT,
    description      TEXT,
    organizer_id     INTEGER NOT NULL REFERENCES users (id),
    rrule            TEXT,
    -- When the last occurrence ends (NULL: repeats for ever), to find meetings in a range.
    series_end       TEXT,
    record_type      TEXT CHECK (record_type IN ('lead', 'contact')),
    record_id        INTEGER,
    parent_id        INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
    recurrence_start TEXT,
    cancelled        BOOLEAN NOT NULL DEFAULT FALSE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at       TEXT NOT NULL,
    updated_by       INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX meetings_range ON meetings (start_at, series_end);
CREATE INDEX meetings_record ON meetings (record_type, record_id);
CREATE INDEX meetings_parent ON meetings (parent_id, recurrence_start);

CREATE TABLE meeting_attendees (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
    status     TEXT NOT NULL DEFAULT 'needs_action'
        CHECK (status IN ('needs_action', 'accepted', 'declined', 'tentative')),
    CHECK ((user_id IS NULL) <> (contact_id IS NULL))
);
CREATE INDEX meeting_attendees_meeting ON meeting_attendees (meeting_id);
CREATE INDEX meeting_attendees_user ON meeting_attendees (user_id);

CREATE TABLE meeting_alarms (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    minutes_before INTEGER NOT NULL CHECK (minutes_before BETWEEN 0 AND 40320),
    channel        TEXT NOT NULL CHECK (channel IN ('in_app', 'email'))
);
CREATE INDEX meeting_alarms_meeting ON meeting_alarms (meeting_id);

-- The secret of a user's iCalendar feed (NULL until first asked for; revoking clears it).
ALTER TABLE users ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token);
