//! The durable job queue (architecture.md "Events, jobs"): jobs are rows; a worker claims
//! the next due one by taking a lease, and finishes, retries or fails it. On PostgreSQL
//! several workers claim with `FOR UPDATE SKIP LOCKED`; SQLite has a single writer.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::{Backend, Db, Tx};
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub unique_key: Option<String>,
    pub state: String,
    pub run_at: DateTime<Utc>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, kind, payload, unique_key, state, run_at, attempts, max_attempts, \
    locked_by, last_error, created_at, finished_at";

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: String,
    /// Enqueue at most once under this key (a reminder, a digest).
    pub unique_key: Option<String>,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i64,
}

/// Adds a job. With a `unique_key` already present nothing is added and `None` answers.
pub async fn enqueue(tx: &mut Tx, j: NewJob<'_>, now: DateTime<Utc>) -> Result<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(&Sql::with(
            "INSERT INTO jobs (kind, payload, unique_key, run_at, max_attempts, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unique_key) DO NOTHING RETURNING id",
            vec![
                j.kind.into(),
                j.payload.into(),
                j.unique_key.into(),
                j.run_at.into(),
                j.max_attempts.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(row.map(|r| r.0))
}

/// Claims the next due job for `worker` until `lease_until`: a queued job whose time has
/// come, or a running one whose lease ran out (its worker died).
pub async fn claim(
    db: &Db,
    worker: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Job>> {
    let mut tx = db.begin().await?;
    // A job whose worker died with its last attempt in hand is failed, not run again.
    tx.execute(&Sql::with(
        "UPDATE jobs SET state = 'failed', finished_at = $1, locked_by = NULL, locked_until = NULL, \
         last_error = COALESCE(last_error, 'the worker stopped while running it') \
         WHERE state = 'running' AND locked_until < $1 AND attempts >= max_attempts",
        vec![now.into()],
    ))
    .await?;
    let lock = match tx.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let job: Option<Job> = tx
        .fetch_optional(&Sql::with(
            format!(
                "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, \
                 attempts = attempts + 1 WHERE id = (SELECT id FROM jobs \
                 WHERE (state = 'queued' AND run_at <= $3) \
                    OR (state = 'running' AND locked_until < $3) \
                 ORDER BY run_at, id LIMIT 1{lock}) RETURNING {COLUMNS}"
            ),
            vec![worker.into(), lease_until.into(), now.into()],
        ))
        .await?;
    tx.commit().await?;
    Ok(job)
}

/// Marks a claimed job done; false when the lease was lost to another worker meanwhile.
pub async fn finish(db: &Db, id: i64, worker: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = db
        .execute(&Sql::with(
            "UPDATE jobs SET state = 'done', finished_at = $1, locked_by = NULL, \
             locked_until = NULL WHERE id = $2 AND locked_by = $3 AND state = 'running'",
            vec![now.into(), id.into(), worker.into()],
        ))
        .await?;
    Ok(n == 1)
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good when there is
/// no retry (attempts used up, or an error that retrying cannot fix).
pub async fn fail(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = match retry_at {
        Some(at) => Sql::with(
            "UPDATE jobs SET state = 'queued', run_at = $1, last_error = $2, locked_by = NULL, \
             locked_until = NULL WHERE id = $3 AND locked_by = $4",
            vec![at.into(), error.into(), id.into(), worker.into()],
        ),
        None => Sql::with(
            "UPDATE jobs SET state = 'failed', finished_at = $1, last_error = $2, \
             locked_by = NULL, locked_until = NULL WHERE id = $3 AND locked_by = $4",
            vec![now.into(), error.into(), id.into(), worker.into()],
        ),
    };
    db.execute(&sql).await?;
    Ok(())
}

/// Jobs in a state, newest first (the admins' view of failed and waiting work).
pub async fn list(conn: &mut impl Conn, state: Option<&str>, limit: i64) -> Result<Vec<Job>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM jobs"));
    if let Some(s) = state {
        sql.push(" WHERE state = ").bind(s);
    }
    sql.push(" ORDER BY id DESC").limit(limit);
    conn.all(&sql).await
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Job>> {
    conn.optional(&Sql::with(
        format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

/// Puts a failed job back in the queue (an admin's "retry").
pub async fn retry(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = db
        .execute(&Sql::with(
            "UPDATE jobs SET state = 'queued', run_at = $1, attempts = 0, finished_at = NULL \
             WHERE id = $2 AND state = 'failed'",
            vec![now.into(), id.into()],
        ))
        .await?;
    Ok(n == 1)
}

/// When the next queued job falls due (the worker sleeps until then, or a wake-up).
pub async fn next_run_at(conn: &mut impl Conn) -> Result<Option<DateTime<Utc>>> {
    let row: Option<(Option<DateTime<Utc>>,)> = conn
        .optional(&Sql::new(
            "SELECT MIN(CASE WHEN state = 'running' THEN locked_until ELSE run_at END) \
             FROM jobs WHERE state IN ('queued', 'running')",
        ))
        .await?;
    Ok(row.and_then(|r| r.0))
}
