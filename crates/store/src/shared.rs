//! Pieces every record repository uses: free-text search through the trigram index, and
//! tag links.

use sen_domain::search::{SearchQuery, escape_like};

use crate::conn::Conn;
use crate::db::{Backend, Tx};
use crate::error::Result;
use crate::sql::Sql;

/// Where a record type's search text and index live.
#[derive(Debug, Clone, Copy)]
pub struct SearchIndex {
    /// The id column, qualified (`c.id`).
    pub id: &'static str,
    /// The folded search text column, qualified (`c.search_text`).
    pub text: &'static str,
    /// SQLite's FTS5 trigram table over that column.
    pub fts_table: &'static str,
}

/// Adds "matches the free-text query": every term is a substring of the search text, found
/// through the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL).
pub fn push_search(sql: &mut Sql, backend: Backend, query: &SearchQuery, index: SearchIndex) {
    for term in &query.terms {
        sql.push(" AND ");
        if backend == Backend::Sqlite && fts_can_match(term) {
            let fts = index.fts_table;
            sql.push(&format!(
                "{} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ",
                index.id
            ));
            sql.bind(fts_phrase(term));
            sql.push(")");
        } else {
            push_like(sql, term, index);
        }
    }
}

/// FTS5's trigram index needs 3 characters; shorter terms are checked with LIKE.
fn fts_can_match(term: &str) -> bool {
    term.chars().count() >= 3
}

/// A term as an FTS5 phrase: the substring itself, quotes doubled.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

fn push_like(sql: &mut Sql, term: &str, index: SearchIndex) {
    sql.push(&format!("{} LIKE ", index.text));
    sql.bind(format!("%{}%", escape_like(term)));
    sql.push(" ESCAPE '\\'");
}

/// Whether a list in id order can be read off SQLite's trigram index itself
/// (`FROM <fts> f JOIN <table> ON id = f.rowid … ORDER BY f.rowid`): FTS5 hands out its
/// matches in rowid order and the page stops after `limit` of them, where the IN-subquery
/// form collects and sorts every match first (a term in 5 % of 100,000 leads: 2.1 ms →
/// 0.7 ms for the page, 3.3 → 1.8 ms for the capped count).
pub fn fts_can_drive(backend: Backend, query: &SearchQuery) -> bool {
    backend == Backend::Sqlite && query.terms.iter().any(|t| fts_can_match(t))
}

/// Whether every term of a search is matched by SQLite's trigram index alone (no `LIKE`
/// on the record's text), so a condition over the match needs no other column.
pub fn fts_matches_every_term(backend: Backend, query: &SearchQuery) -> bool {
    backend == Backend::Sqlite
        && !query.terms.is_empty()
        && query.terms.iter().all(|t| fts_can_match(t))
}

/// The search condition of a list driven by the FTS table aliased `f`: every term FTS5 can
/// match as one MATCH (its phrases are ANDed), the short ones with LIKE.
pub fn push_search_driven(sql: &mut Sql, query: &SearchQuery, index: SearchIndex) {
    let (matched, short): (Vec<&String>, Vec<&String>) =
        query.terms.iter().partition(|t| fts_can_match(t));
    let phrases: Vec<String> = matched.iter().map(|t| fts_phrase(t)).collect();
    sql.push(&format!(" AND f.{} MATCH ", index.fts_table));
    sql.bind(phrases.join(" "));
    for term in short {
        sql.push(" AND ");
        push_like(sql, term, index);
    }
}

/// A column expression giving one record's tag ids as a comma-separated list (`owner_expr`
/// is the record's id in the outer query), read with the record instead of after it.
pub fn tag_list_column(backend: Backend, table: &str, owner: &str, owner_expr: &str) -> String {
    let list = match backend {
        Backend::Sqlite => "group_concat(tag_id)",
        Backend::Postgres => "string_agg(CAST(tag_id AS TEXT), ',')",
    };
    format!("(SELECT {list} FROM {table} WHERE {owner} = {owner_expr})")
}

/// The ids of a `tag_list_column`, in ascending order.
pub fn parse_tag_list(list: Option<&str>) -> Vec<i64> {
    let mut ids: Vec<i64> = list
        .unwrap_or("")
        .split(',')
        .filter_map(|t| t.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids
}

/// `(owner id, tag id)` pairs for the given owners, from a link table such as `lead_tags`.
pub async fn tag_pairs(
    conn: &mut impl Conn,
    table: &str,
    owner: &str,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(format!(
        "SELECT {owner}, tag_id FROM {table} WHERE {owner} IN ("
    ));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(") ORDER BY tag_id");
    conn.all(&sql).await
}

/// Replaces a record's tags.
pub async fn set_tags(
    tx: &mut Tx,
    table: &str,
    owner: &str,
    id: i64,
    tag_ids: &[i64],
) -> Result<()> {
    tx.execute(&Sql::with(
        format!("DELETE FROM {table} WHERE {owner} = $1"),
        vec![id.into()],
    ))
    .await?;
    add_tags(tx, table, owner, id, tag_ids).await
}

/// Gives a record tags (one just inserted, which has none yet).
pub async fn add_tags(
    tx: &mut Tx,
    table: &str,
    owner: &str,
    id: i64,
    tag_ids: &[i64],
) -> Result<()> {
    if tag_ids.is_empty() {
        return Ok(());
    }
    // One statement for all of them: on PostgreSQL each statement is a round trip.
    let rows = tag_ids
        .iter()
        .map(|t| vec![id.into(), (*t).into()])
        .collect();
    tx.execute(&Sql::insert_rows(table, &[owner, "tag_id"], rows, ""))
        .await?;
    Ok(())
}

/// Gives the rows of `table` (activities, posts, meetings, attachments …) that hang on a
/// merged record to the record kept. `table` is one of this crate's names, never input.
pub async fn move_record_rows(
    tx: &mut Tx,
    table: &'static str,
    record_type: &str,
    from_id: i64,
    to_id: i64,
) -> Result<()> {
    tx.execute(&Sql::with(
        format!("UPDATE {table} SET record_id = $1 WHERE record_type = $2 AND record_id = $3"),
        vec![to_id.into(), record_type.into(), from_id.into()],
    ))
    .await?;
    Ok(())
}

/// Removes the rows of `table` that hang on a deleted record.
pub async fn delete_record_rows(
    tx: &mut Tx,
    table: &'static str,
    record_type: &str,
    record_id: i64,
) -> Result<()> {
    tx.execute(&Sql::with(
        format!("DELETE FROM {table} WHERE record_type = $1 AND record_id = $2"),
        vec![record_type.into(), record_id.into()],
    ))
    .await?;
    Ok(())
}
