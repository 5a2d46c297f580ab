//! Followers: who hears about a record (or about every record of a team), and about what.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Follower {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub user_id: i64,
    /// Comma list of topics (domain `notify::Topic`).
    pub topics: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, record_type, record_id, user_id, topics, created_at";

/// Follows (or changes the topics of an existing follow). Answers the follower's id.
pub async fn upsert(
    tx: &mut Tx,
    record_type: &str,
    record_id: i64,
    user_id: i64,
    topics: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO followers (record_type, record_id, user_id, topics, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record_type, record_id, user_id) \
             DO UPDATE SET topics = excluded.topics RETURNING id",
            vec![
                record_type.into(),
                record_id.into(),
                user_id.into(),
                topics.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(id)
}

/// Follows with `topics` unless the user already follows (their own choice stays).
pub async fn add_if_missing(
    tx: &mut Tx,
    record_type: &str,
    record_id: i64,
    user_id: i64,
    topics: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(&Sql::with(
        "INSERT INTO followers (record_type, record_id, user_id, topics, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record_type, record_id, user_id) DO NOTHING",
        vec![
            record_type.into(),
            record_id.into(),
            user_id.into(),
            topics.into(),
            now.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn remove(tx: &mut Tx, record_type: &str, record_id: i64, user_id: i64) -> Result<bool> {
    let n = tx
        .execute(&Sql::with(
            "DELETE FROM followers WHERE record_type = $1 AND record_id = $2 AND user_id = $3",
            vec![record_type.into(), record_id.into(), user_id.into()],
        ))
        .await?;
    Ok(n > 0)
}

pub async fn of_record(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
) -> Result<Vec<Follower>> {
    conn.all(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM followers WHERE record_type = $1 AND record_id = $2 \
             ORDER BY id"
        ),
        vec![record_type.into(), record_id.into()],
    ))
    .await
}

/// The record's followers, then its team's if it has one (in one statement: every lead
/// write asks).
pub async fn of_record_and_team(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
    team_id: Option<i64>,
) -> Result<Vec<Follower>> {
    conn.all(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM followers \
             WHERE (record_type = $1 AND record_id = $2) OR (record_type = 'team' AND record_id = $3) \
             ORDER BY CASE WHEN record_type = $1 AND record_id = $2 THEN 0 ELSE 1 END, id"
        ),
        vec![record_type.into(), record_id.into(), team_id.into()],
    ))
    .await
}

pub async fn get(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
    user_id: i64,
) -> Result<Option<Follower>> {
    conn.optional(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM followers WHERE record_type = $1 AND record_id = $2 \
             AND user_id = $3"
        ),
        vec![record_type.into(), record_id.into(), user_id.into()],
    ))
    .await
}

/// Drops a deleted record's followers.
pub async fn delete_of_record(tx: &mut Tx, record_type: &str, record_id: i64) -> Result<()> {
    crate::shared::delete_record_rows(tx, "followers", record_type, record_id).await
}

/// Gives a merged record's followers to the record kept (a user following both keeps the
/// kept record's choice).
pub async fn move_to(tx: &mut Tx, record_type: &str, from_id: i64, to_id: i64) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE followers SET record_id = $1 WHERE record_type = $2 AND record_id = $3 \
         AND user_id NOT IN (SELECT user_id FROM followers WHERE record_type = $2 \
         AND record_id = $1)",
        vec![to_id.into(), record_type.into(), from_id.into()],
    ))
    .await?;
    delete_of_record(tx, record_type, from_id).await
}
