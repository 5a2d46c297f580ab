//! Timeline posts kept beside the change log: done activities (with their feedback) now,
//! notes and e-mails as they arrive.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub kind: String,
    pub author_id: Option<i64>,
    pub activity_type_id: Option<i64>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// E-mails: the Message-ID sent, and the recipients.
    pub message_id: Option<String>,
    pub recipients: Option<String>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, record_type, record_id, kind, author_id, activity_type_id, \
    subject, body, message_id, recipients, created_at FROM messages";

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Message>> {
    conn.optional(&Sql::with(
        format!("{SELECT} WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

/// Keeps an e-mail post's Message-ID and recipients.
pub async fn set_email_headers(
    tx: &mut Tx,
    id: i64,
    message_id: &str,
    recipients: &str,
) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE messages SET message_id = $1, recipients = $2 WHERE id = $3",
        vec![message_id.into(), recipients.into(), id.into()],
    ))
    .await?;
    Ok(())
}

pub struct NewMessage<'a> {
    pub record_type: &'a str,
    pub record_id: i64,
    pub kind: &'a str,
    pub author_id: i64,
    pub activity_type_id: Option<i64>,
    pub subject: Option<&'a str>,
    pub body: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, m: NewMessage<'_>, now: DateTime<Utc>) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id(
            "messages",
            vec![
                ("record_type", m.record_type.into()),
                ("record_id", m.record_id.into()),
                ("kind", m.kind.into()),
                ("author_id", m.author_id.into()),
                ("activity_type_id", m.activity_type_id.into()),
                ("subject", m.subject.into()),
                ("body", m.body.into()),
                ("created_at", now.into()),
            ],
        ))
        .await?;
    Ok(id)
}

/// A record's posts, newest first. They stay when the record is deleted, like its change
/// log (history and audit).
pub async fn of_record(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
) -> Result<Vec<Message>> {
    conn.all(&Sql::with(
        format!(
            "{SELECT} WHERE record_type = $1 AND record_id = $2 ORDER BY created_at DESC, id DESC"
        ),
        vec![record_type.into(), record_id.into()],
    ))
    .await
}

/// Gives a record's posts to another record (merge).
pub async fn move_to(tx: &mut Tx, record_type: &str, from_id: i64, to_id: i64) -> Result<()> {
    crate::shared::move_record_rows(tx, "messages", record_type, from_id, to_id).await
}
