-- Attachments (#5): files on leads, opportunities and contacts, kept in the database so a
-- backup of the database is a backup of everything and several instances share them.
-- Kept logically identical to ../postgres/0010_attachments.sql.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type  TEXT NOT NULL CHECK (record_type IN ('lead', 'contact')),
    record_id    INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX attachments_record ON attachments (record_type, record_id);
