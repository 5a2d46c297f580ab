//! Outgoing e-mail: every mail is a row first (queued), then sent by a job — or kept in the
//! outbox when no SMTP server is configured, or failed with the server's reason.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mail {
    pub id: i64,
    pub to_addrs: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub message_id: String,
    pub state: String,
    pub error: Option<String>,
    pub attempts: i64,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, to_addrs, subject, body_text, body_html, message_id, state, error, \
    attempts, record_type, record_id, created_at, sent_at";

pub struct NewMail<'a> {
    /// Addresses, comma separated.
    pub to_addrs: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: Option<&'a str>,
    pub message_id: &'a str,
    pub record: Option<(&'a str, i64)>,
}

pub async fn insert(tx: &mut Tx, m: NewMail<'_>, now: DateTime<Utc>) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id(
            "mails",
            vec![
                ("to_addrs", m.to_addrs.into()),
                ("subject", m.subject.into()),
                ("body_text", m.body_text.into()),
                ("body_html", m.body_html.into()),
                ("message_id", m.message_id.into()),
                ("record_type", m.record.map(|r| r.0).into()),
                ("record_id", m.record.map(|r| r.1).into()),
                ("created_at", now.into()),
            ],
        ))
        .await?;
    Ok(id)
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Mail>> {
    conn.optional(&Sql::with(
        format!("SELECT {COLUMNS} FROM mails WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

/// Mails, newest first, optionally only those in one state.
pub async fn list(conn: &mut impl Conn, state: Option<&str>, limit: i64) -> Result<Vec<Mail>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM mails"));
    if let Some(s) = state {
        sql.push(" WHERE state = ").bind(s);
    }
    sql.push(" ORDER BY id DESC").limit(limit);
    conn.all(&sql).await
}

/// Records how a sending attempt ended: `sent`, `outbox` (nowhere to send) or `failed`.
pub async fn set_state(
    db: &Db,
    id: i64,
    state: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let sent_at = (state == "sent").then_some(now);
    db.execute(&Sql::with(
        "UPDATE mails SET state = $1, error = $2, sent_at = $3, attempts = attempts + 1 \
         WHERE id = $4",
        vec![state.into(), error.into(), sent_at.into(), id.into()],
    ))
    .await?;
    Ok(())
}
