-- Sales teams, pipelines and stages, lookups (#3). Kept logically identical to
-- ../postgres/0002_sales_setup.sql.

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    leader_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE team_members (
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE pipelines (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('lead', 'deal')),
    number_prefix         TEXT NOT NULL DEFAULT '',
    -- The next human number; taken and incremented in the creating transaction, so numbers
    -- have no gaps and no duplicates.
    next_number           INTEGER NOT NULL DEFAULT 1,
    lost_reason_required  BOOLEAN NOT NULL DEFAULT FALSE,
    sequence              INTEGER NOT NULL DEFAULT 0,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);

CREATE TABLE pipeline_teams (
    pipeline_id  INTEGER NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    team_id      INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (pipeline_id, team_id)
);

CREATE TABLE stages (
    id                INTEGER PRIMARY KEY,
    pipeline_id       INTEGER NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    sequence          INTEGER NOT NULL,
    probability       INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    is_won            BOOLEAN NOT NULL DEFAULT FALSE,
    folded            BOOLEAN NOT NULL DEFAULT FALSE,
    requirements      TEXT,
    stale_after_days  INTEGER,
    -- Comma-separated field names a record must have filled to enter (domain::pipeline).
    required_fields   TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX stages_pipeline ON stages (pipeline_id, sequence);

CREATE TABLE stage_teams (
    stage_id  INTEGER NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
    team_id   INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (stage_id, team_id)
);

-- Lookups. Every one has a name, an active flag and a version; lost reasons also say
-- whether they apply to leads, deals or both.
CREATE TABLE lost_reasons (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applies_to  TEXT NOT NULL DEFAULT 'both' CHECK (applies_to IN ('lead', 'deal', 'both')),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX sources_name ON sources (name);
CREATE TABLE mediums (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX mediums_name ON mediums (name);
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX campaigns_name ON campaigns (name);
CREATE UNIQUE INDEX lost_reasons_name ON lost_reasons (name);

ALTER TABLE tags ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE tags ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
