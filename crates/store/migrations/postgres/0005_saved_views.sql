-- Favourites (R3.4): a saved search + view of the board or a list, private or shared.
-- `query` is the page's query string (the URL holds the whole state).
CREATE TABLE saved_views (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    page        TEXT NOT NULL,
    query       TEXT NOT NULL,
    shared      BOOLEAN NOT NULL DEFAULT FALSE,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_views_page ON saved_views (page, user_id);
