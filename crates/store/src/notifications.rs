//! In-app notifications (the bell), and which of them still owe an e-mail.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub record_name: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub emailed_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT n.id, n.user_id, n.kind, n.record_type, n.record_id, \
    n.record_name, n.actor_id, a.name AS actor_name, n.detail, n.created_at, n.read_at, \
    n.emailed_at FROM notifications n LEFT JOIN users a ON a.id = n.actor_id";

pub struct NewNotification<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub record: Option<(&'a str, i64)>,
    pub record_name: Option<&'a str>,
    pub actor_id: Option<i64>,
    pub detail: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, n: NewNotification<'_>, now: DateTime<Utc>) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id(
            "notifications",
            vec![
                ("user_id", n.user_id.into()),
                ("kind", n.kind.into()),
                ("record_type", n.record.map(|r| r.0).into()),
                ("record_id", n.record.map(|r| r.1).into()),
                ("record_name", n.record_name.into()),
                ("actor_id", n.actor_id.into()),
                ("detail", n.detail.into()),
                ("created_at", now.into()),
            ],
        ))
        .await?;
    Ok(id)
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Notification>> {
    conn.optional(&Sql::with(
        format!("{SELECT} WHERE n.id = $1"),
        vec![id.into()],
    ))
    .await
}

/// A user's notifications, newest first, before the id `before` (keyset paging).
pub async fn of_user(
    conn: &mut impl Conn,
    user_id: i64,
    unread_only: bool,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Notification>> {
    let mut sql = Sql::new(format!("{SELECT} WHERE n.user_id = "));
    sql.bind(user_id);
    if unread_only {
        sql.push(" AND n.read_at IS NULL");
    }
    if let Some(b) = before {
        sql.push(" AND n.id < ").bind(b);
    }
    sql.push(" ORDER BY n.id DESC").limit(limit);
    conn.all(&sql).await
}

pub async fn unread_count(conn: &mut impl Conn, user_id: i64) -> Result<i64> {
    let (n,): (i64,) = conn
        .one(&Sql::with(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            vec![user_id.into()],
        ))
        .await?;
    Ok(n)
}

/// Marks one (or, with `None`, every) unread notification of the user read.
pub async fn mark_read(
    tx: &mut Tx,
    user_id: i64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut sql = Sql::new("UPDATE notifications SET read_at = ");
    sql.bind(now)
        .push(" WHERE read_at IS NULL AND user_id = ")
        .bind(user_id);
    if let Some(id) = id {
        sql.push(" AND id = ").bind(id);
    }
    tx.execute(&sql).await
}

/// Notifications still owed to a digest: not read, not yet e-mailed.
pub async fn for_digest(tx: &mut Tx, user_id: i64) -> Result<Vec<Notification>> {
    tx.fetch_all(&Sql::with(
        format!(
            "{SELECT} WHERE n.user_id = $1 AND n.read_at IS NULL AND n.emailed_at IS NULL \
             ORDER BY n.id"
        ),
        vec![user_id.into()],
    ))
    .await
}

pub async fn mark_emailed(tx: &mut Tx, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
    for id in ids {
        tx.execute(&Sql::with(
            "UPDATE notifications SET emailed_at = $1 WHERE id = $2",
            vec![now.into(), (*id).into()],
        ))
        .await?;
    }
    Ok(())
}
