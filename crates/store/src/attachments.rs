//! Attachments: files kept in the database beside the record they belong to.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

const COLUMNS: &str =
    "id, record_type, record_id, file_name, content_type, size, sha256, created_at, created_by";

pub struct NewAttachment<'a> {
    pub record_type: &'a str,
    pub record_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub data: Vec<u8>,
}

pub async fn insert(tx: &mut Tx, a: NewAttachment<'_>, by: i64, now: DateTime<Utc>) -> Result<i64> {
    let size = a.data.len() as i64;
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id(
            "attachments",
            vec![
                ("record_type", a.record_type.into()),
                ("record_id", a.record_id.into()),
                ("file_name", a.file_name.into()),
                ("content_type", a.content_type.into()),
                ("size", size.into()),
                ("sha256", a.sha256.into()),
                ("data", a.data.into()),
                ("created_at", now.into()),
                ("created_by", by.into()),
            ],
        ))
        .await?;
    Ok(id)
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Attachment>> {
    conn.optional(&Sql::with(
        format!("SELECT {COLUMNS} FROM attachments WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

/// The file's bytes.
pub async fn data(conn: &mut impl Conn, id: i64) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = conn
        .optional(&Sql::with(
            "SELECT data FROM attachments WHERE id = $1",
            vec![id.into()],
        ))
        .await?;
    Ok(row.map(|r| r.0))
}

pub async fn of_record(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
) -> Result<Vec<Attachment>> {
    conn.all(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM attachments WHERE record_type = $1 AND record_id = $2 \
             ORDER BY id DESC"
        ),
        vec![record_type.into(), record_id.into()],
    ))
    .await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM attachments WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}

pub async fn delete_of_record(tx: &mut Tx, record_type: &str, record_id: i64) -> Result<()> {
    crate::shared::delete_record_rows(tx, "attachments", record_type, record_id).await
}

pub async fn move_to(tx: &mut Tx, record_type: &str, from_id: i64, to_id: i64) -> Result<()> {
    crate::shared::move_record_rows(tx, "attachments", record_type, from_id, to_id).await
}
