-- Job queue, outgoing mail, followers and notifications (#5).
-- Kept logically identical to ../postgres/0008_jobs_mail_followers.sql.

-- Durable background work. A worker claims a due job by setting a lease (`locked_by`,
-- `locked_until`); a lease that runs out (a crashed worker) makes the job claimable again.
-- `unique_key` lets producers enqueue "once" (a reminder, a digest) without checking first.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    unique_key   TEXT,
    state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- Every e-mail Sen sends. With no SMTP server configured a mail waits here ('outbox') for an
-- admin to read; it is never dropped.
CREATE TABLE mails (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addrs    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT,
    message_id  TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'outbox', 'failed')),
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    record_type TEXT,
    record_id   INTEGER,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX mails_state ON mails (state, id);

-- Who hears about a record (a lead, a contact, or every record of a team), and about what:
-- `topics` is a comma list of stage, outcome, note, message, activity.
CREATE TABLE followers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL CHECK (record_type IN ('lead', 'contact', 'team')),
    record_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topics      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX followers_one ON followers (record_type, record_id, user_id);
CREATE INDEX followers_user ON followers (user_id);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    record_type TEXT,
    record_id   INTEGER,
    record_name TEXT,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    detail      TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    emailed_at  TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- How a user hears by e-mail: not at all, at once, or in one daily digest.
ALTER TABLE users ADD COLUMN notify_email TEXT NOT NULL DEFAULT 'immediate'
    CHECK (notify_email IN ('none', 'immediate', 'digest'));

-- E-mails sent from a record keep their Message-ID (for threading replies) and recipients.
ALTER TABLE messages ADD COLUMN message_id TEXT;
ALTER TABLE messages ADD COLUMN recipients TEXT;
