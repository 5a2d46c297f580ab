-- Leads and opportunities (#3). Kept logically identical to ../postgres/0003_leads.sql.

CREATE TABLE leads (
    -- AUTOINCREMENT: a deleted record's id (and so its history) is never given to another.
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    number              TEXT NOT NULL,
    type                TEXT NOT NULL CHECK (type IN ('lead', 'opportunity')),
    name                TEXT NOT NULL,
    pipeline_id         INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id            INTEGER NOT NULL REFERENCES stages (id),
    outcome             TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'won', 'lost', 'unqualified')),
    outcome_reason_id   INTEGER REFERENCES lost_reasons (id) ON DELETE SET NULL,
    feedback            TEXT,
    user_id             INTEGER REFERENCES users (id) ON DELETE SET NULL,
    team_id             INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    contact_id          INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    company_name        TEXT,
    contact_name        TEXT,
    salutation          TEXT,
    email               TEXT,
    phone               TEXT,
    mobile              TEXT,
    job_position        TEXT,
    website             TEXT,
    street              TEXT,
    ward                TEXT,
    district            TEXT,
    city                TEXT,
    country             TEXT,
    priority            INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
    color               INTEGER NOT NULL DEFAULT 0,
    -- Expected revenue in minor units of `currency` (domain::money); both NULL when unknown.
    revenue_minor       INTEGER,
    currency            TEXT,
    -- The same amount in thousandths of a major unit, to compare and sort across currencies.
    revenue_milli       INTEGER,
    probability         INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    probability_manual  BOOLEAN NOT NULL DEFAULT FALSE,
    expected_closing    TEXT,
    due_date            TEXT,
    source_id           INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    medium_id           INTEGER REFERENCES mediums (id) ON DELETE SET NULL,
    campaign_id         INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    referred_by         TEXT,
    description         TEXT,
    custom              TEXT NOT NULL DEFAULT '{}',
    assigned_at         TEXT,
    converted_at        TEXT,
    converted_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    closed_at           TEXT,
    closed_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    stage_changed_at    TEXT NOT NULL,
    name_fold           TEXT NOT NULL,
    company_fold        TEXT,
    email_key           TEXT,
    phone_key           TEXT,
    mobile_key          TEXT,
    search_text         TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    archived_at         TEXT,
    created_at          TEXT NOT NULL,
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at          TEXT NOT NULL,
    updated_by          INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX leads_number ON leads (pipeline_id, number);
CREATE INDEX leads_board ON leads (pipeline_id, stage_id, id);
CREATE INDEX leads_user ON leads (user_id);
CREATE INDEX leads_team ON leads (team_id);
CREATE INDEX leads_contact ON leads (contact_id);
CREATE INDEX leads_name_fold ON leads (name_fold, id);
CREATE INDEX leads_revenue ON leads (revenue_milli, id);
CREATE INDEX leads_created ON leads (created_at, id);
CREATE INDEX leads_updated ON leads (updated_at, id);
CREATE INDEX leads_email_key ON leads (email_key);
CREATE INDEX leads_phone_key ON leads (phone_key);
CREATE INDEX leads_mobile_key ON leads (mobile_key);

CREATE VIRTUAL TABLE leads_fts USING fts5 (
    search_text, content = 'leads', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_fts (leads_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER leads_fts_update AFTER UPDATE OF search_text ON leads BEGIN
    INSERT INTO leads_fts (leads_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO leads_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE lead_tags (
    lead_id  INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (lead_id, tag_id)
);
CREATE INDEX lead_tags_tag ON lead_tags (tag_id);
