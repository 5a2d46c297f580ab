//! The change log: one row per tracked field change, written in the change's transaction.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

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
    tx.execute(&Sql::with(
        "INSERT INTO change_log (record_type, record_id, field, old_value, new_value, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            e.record_type.into(),
            e.record_id.into(),
            e.field.into(),
            e.old_value.into(),
            e.new_value.into(),
            by.into(),
            at.into(),
        ],
    ))
    .await?;
    Ok(())
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
