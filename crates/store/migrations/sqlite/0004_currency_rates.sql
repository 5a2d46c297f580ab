-- Exchange rates an admin sets, to count other currencies in the workspace currency (#3).
-- rate_micro: workspace-currency major units per one major unit of `currency`, × 1,000,000.
CREATE TABLE currency_rates (
    currency    TEXT PRIMARY KEY,
    rate_micro  INTEGER NOT NULL CHECK (rate_micro > 0),
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);
