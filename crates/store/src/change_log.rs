//! The change log: one row per tracked field change, written in the change's transaction.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::{Arg, Sql};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Change {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub changed_by: Option<i64>,
    pub changed_at: DateTime<Utc>,
}

pub struct Entry<'a> {
    pub record_type: &'a str,
    pub record_id: i64,
    pub field: &'a str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

pub async fn write(tx: &mut Tx, e: Entry<'_>, by: i64, at: DateTime<Utc>) -> Result<()> {
    write_all(tx, vec![e], by, at).await
}

/// The columns of a change-log row, in the order `rows` gives them.
const COLUMNS: [&str; 7] = [
    "record_type",
    "record_id",
    "field",
    "old_value",
    "new_value",
    "changed_by",
    "changed_at",
];

/// Each entry as the values of `COLUMNS`.
fn rows(entries: Vec<Entry<'_>>, by: i64, at: DateTime<Utc>) -> Vec<Vec<Arg>> {
    entries
        .into_iter()
        .map(|e| {
            vec![
                e.record_type.into(),
                e.record_id.into(),
                e.field.into(),
                e.old_value.into(),
                e.new_value.into(),
                by.into(),
                at.into(),
            ]
        })
        .collect()
}

/// Every entry of one change in a single statement (none: no statement).
pub async fn write_all(
    tx: &mut Tx,
    entries: Vec<Entry<'_>>,
    by: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    tx.execute(&Sql::insert_rows(
        "change_log",
        &COLUMNS,
        rows(entries, by, at),
        "",
    ))
    .await?;
    Ok(())
}

/// A statement's data-modifying `WITH` part on PostgreSQL that writes the entries when
/// `written` (the name of an earlier part) has a row: the change log travels with the
/// change it records instead of costing a round trip of its own.
pub(crate) fn with_part(entries: Vec<Entry<'_>>, written: &str, by: i64, at: DateTime<Utc>) -> Sql {
    let mut sql = Sql::new(format!(
        "logged AS (INSERT INTO change_log ({}) SELECT v.* FROM (VALUES ",
        COLUMNS.join(", ")
    ));
    sql.push_rows(rows(entries, by, at));
    sql.push(&format!(") v WHERE EXISTS (SELECT 1 FROM {written}))"));
    sql
}

pub async fn of_record(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
) -> Result<Vec<Change>> {
    conn.all(&Sql::with(
        "SELECT id, record_type, record_id, field, old_value, new_value, changed_by, changed_at \
         FROM change_log WHERE record_type = $1 AND record_id = $2 ORDER BY id",
        vec![record_type.into(), record_id.into()],
    ))
    .await
}
