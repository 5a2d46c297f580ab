-- Activities (#5): types, scheduled activities on leads and contacts, and timeline posts.
-- Kept logically identical to ../postgres/0007_activities.sql.

CREATE TABLE activity_types (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    icon            TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('call', 'email', 'meeting', 'todo', 'upload')),
    delay_count     INTEGER NOT NULL DEFAULT 0 CHECK (delay_count BETWEEN 0 AND 999),
    delay_unit      TEXT NOT NULL DEFAULT 'days' CHECK (delay_unit IN ('days', 'weeks', 'months')),
    delay_from      TEXT NOT NULL DEFAULT 'today' CHECK (delay_from IN ('today', 'previous')),
    default_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    summary         TEXT,
    note            TEXT,
    next_type_id    INTEGER REFERENCES activity_types (id) ON DELETE SET NULL,
    next_mode       TEXT NOT NULL DEFAULT 'none' CHECK (next_mode IN ('none', 'suggest', 'trigger')),
    sequence        INTEGER NOT NULL DEFAULT 0,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX activity_types_name ON activity_types (name);

-- `day_start`/`day_end`: the due date's day in the assignee's time zone, as UTC instants,
-- so "overdue / today / planned" is a comparison with now on either database.
CREATE TABLE activities (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type      TEXT NOT NULL CHECK (record_type IN ('lead', 'contact')),
    record_id        INTEGER NOT NULL,
    activity_type_id INTEGER NOT NULL REFERENCES activity_types (id),
    summary          TEXT,
    note             TEXT,
    due_date         TEXT NOT NULL,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    day_start        TEXT NOT NULL,
    day_end          TEXT NOT NULL,
    done_at          TEXT,
    done_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    feedback         TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at       TEXT NOT NULL,
    updated_by       INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX activities_record ON activities (record_type, record_id, done_at, day_end);
CREATE INDEX activities_user ON activities (user_id, done_at, day_end);

-- Timeline posts beside the change log: done activities now; notes and e-mails later.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type      TEXT NOT NULL,
    record_id        INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('note', 'email', 'activity')),
    author_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    activity_type_id INTEGER REFERENCES activity_types (id) ON DELETE SET NULL,
    subject          TEXT,
    body             TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX messages_record ON messages (record_type, record_id, created_at);

-- A lead's most urgent open activity (the first to fall due), kept in the same transaction
-- as every activity change: the board counts states and the lists sort by it.
ALTER TABLE leads ADD COLUMN activity_due TEXT;
ALTER TABLE leads ADD COLUMN activity_day_start TEXT;
ALTER TABLE leads ADD COLUMN activity_day_end TEXT;
DROP INDEX leads_board_sums;
CREATE INDEX leads_board_sums ON leads (pipeline_id, stage_id, currency, outcome, archived_at,
    revenue_minor, probability, stage_changed_at, user_id, team_id, activity_day_start,
    activity_day_end);
