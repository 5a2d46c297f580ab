-- Favourites (R3.4): a saved search + view of the board or a list, private or shared.
-- `query` is the page's query string (the URL holds the whole state).
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    page        TEXT NOT NULL,
    query       TEXT NOT NULL,
    shared      INTEGER NOT NULL DEFAULT 0,
    is_default  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX saved_views_page ON saved_views (page, user_id);
