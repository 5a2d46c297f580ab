-- Foundation: workspace, users, sessions, API tokens, tags, contacts, change log.
-- Kept logically identical to ../postgres/0001_foundation.sql (a test compares them).

CREATE TABLE workspace (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    language    TEXT NOT NULL,
    currency    TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'team_leader', 'salesperson')),
    language       TEXT NOT NULL,
    time_zone      TEXT NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,              -- SHA-256 of the cookie value, hex
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    color       INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags (name);

CREATE TABLE contacts (
    -- AUTOINCREMENT: a deleted record's id (and so its history) is never given to another.
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    is_company    BOOLEAN NOT NULL DEFAULT FALSE,
    company_id    INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    salutation    TEXT,
    job_position  TEXT,
    email         TEXT,
    phone         TEXT,
    mobile        TEXT,
    website       TEXT,
    street        TEXT,
    ward          TEXT,
    district      TEXT,
    city          TEXT,
    country       TEXT,
    owner_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    notes         TEXT,
    -- derived in Rust (sen_domain::search): folded name, e-mail key, phone keys, search text
    name_fold     TEXT NOT NULL,
    email_key     TEXT,
    phone_key     TEXT,
    mobile_key    TEXT,
    search_text   TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at    TEXT NOT NULL,
    updated_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX contacts_name_fold ON contacts (name_fold, id);
CREATE INDEX contacts_created ON contacts (created_at, id);
CREATE INDEX contacts_updated ON contacts (updated_at, id);
CREATE INDEX contacts_email_key ON contacts (email_key);
CREATE INDEX contacts_phone_key ON contacts (phone_key);
CREATE INDEX contacts_mobile_key ON contacts (mobile_key);
CREATE INDEX contacts_owner ON contacts (owner_id);
CREATE INDEX contacts_company ON contacts (company_id);

-- Trigram index over the folded search text: substring search for Vietnamese and Chinese.
CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    search_text, content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE contact_tags (
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag ON contact_tags (tag_id);

-- One row per tracked field change, written in the same transaction as the change.
CREATE TABLE change_log (
    id           INTEGER PRIMARY KEY,
    record_type  TEXT NOT NULL,
    record_id    INTEGER NOT NULL,
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    changed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    changed_at   TEXT NOT NULL
);
CREATE INDEX change_log_record ON change_log (record_type, record_id, id);
