//! The benchmark's baseline (benchmark.md "The limit"): the same answers as the API's, by
//! the fewest hand-written queries, timed by `sen bench` in the same run as the API.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::Result;
use crate::sql::Sql;

/// A card as the board shows it: id, name, revenue, priority, salesperson.
type Card = (i64, String, Option<i64>, i64, Option<i64>);

/// The board of a pipeline: per stage the count and revenue sum and activity counts (from
/// the maintained aggregates, the best the schema offers), and each stage's first
/// `per_stage` cards (id, name, revenue, priority, salesperson) by priority then id.
/// Answers (stage, count) pairs and the number of cards.
pub async fn board(
    db: &Db,
    pipeline_id: i64,
    per_stage: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<(i64, i64)>, usize)> {
    let sums: Vec<(i64, i64, Option<i64>, Option<i64>)> = db
        .fetch_all(&Sql::with(
            "SELECT stage_id, CAST(SUM(count) AS BIGINT), CAST(SUM(revenue_minor) AS BIGINT), \
             CAST(SUM(CASE WHEN activity_day_end <= $2 THEN count ELSE 0 END) AS BIGINT) \
             FROM lead_sums WHERE pipeline_id = $1 GROUP BY stage_id HAVING SUM(count) <> 0",
            vec![pipeline_id.into(), now.into()],
        ))
        .await?;
    board_cards(db, pipeline_id, per_stage, sums).await
}

/// The same board with its figures from a scan of the leads (what the aggregates replace).
pub async fn board_scan(
    db: &Db,
    pipeline_id: i64,
    per_stage: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<(i64, i64)>, usize)> {
    let sums: Vec<(i64, i64, Option<i64>, Option<i64>)> = db
        .fetch_all(&Sql::with(
            "SELECT stage_id, COUNT(*), CAST(SUM(revenue_minor) AS BIGINT), \
             CAST(SUM(CASE WHEN activity_day_end <= $2 THEN 1 ELSE 0 END) AS BIGINT) \
             FROM leads WHERE pipeline_id = $1 AND archived_at IS NULL GROUP BY stage_id",
            vec![pipeline_id.into(), now.into()],
        ))
        .await?;
    board_cards(db, pipeline_id, per_stage, sums).await
}

async fn board_cards(
    db: &Db,
    pipeline_id: i64,
    per_stage: i64,
    sums: Vec<(i64, i64, Option<i64>, Option<i64>)>,
) -> Result<(Vec<(i64, i64)>, usize)> {
    let mut cards = 0;
    for (stage, _, _, _) in &sums {
        let rows: Vec<Card> = db
            .fetch_all(&Sql::with(
                "SELECT id, name, revenue_minor, priority, user_id FROM leads \
                 WHERE pipeline_id = $1 AND archived_at IS NULL AND stage_id = $2 \
                 ORDER BY priority DESC, id LIMIT $3",
                vec![pipeline_id.into(), (*stage).into(), per_stage.into()],
            ))
            .await?;
        cards += rows.len();
    }
    Ok((sums.iter().map(|s| (s.0, s.1)).collect(), cards))
}

/// Creates one opportunity the shortest way: its number, then one INSERT.
pub async fn create(
    db: &Db,
    pipeline_id: i64,
    stage_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let (n, prefix): (i64, String) = tx
        .fetch_one(&Sql::with(
            "UPDATE pipelines SET next_number = next_number + 1 WHERE id = $1 \
             RETURNING next_number - 1, number_prefix",
            vec![pipeline_id.into()],
        ))
        .await?;
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO leads (number, type, name, name_fold, search_text, pipeline_id, stage_id, \
             outcome, probability, stage_changed_at, created_at, updated_at) \
             VALUES ($1, 'opportunity', $2, $3, $4, $5, $6, 'open', 10, $7, $8, $9) RETURNING id",
            vec![
                format!("{prefix}{n}").into(),
                name.into(),
                name.to_lowercase().into(),
                name.to_lowercase().into(),
                pipeline_id.into(),
                stage_id.into(),
                now.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Leads whose folded search text holds `term` (its trigram index on SQLite), newest
/// first, at most `limit`: their ids.
pub async fn search(db: &Db, term: &str, limit: i64) -> Result<Vec<i64>> {
    let sql = match db.backend() {
        crate::Backend::Sqlite => Sql::with(
            "SELECT id FROM leads WHERE archived_at IS NULL AND id IN \
             (SELECT rowid FROM leads_fts WHERE leads_fts MATCH $1) ORDER BY id DESC LIMIT $2",
            vec![format!("\"{term}\"").into(), limit.into()],
        ),
        crate::Backend::Postgres => Sql::with(
            "SELECT id FROM leads WHERE archived_at IS NULL AND search_text LIKE $1 \
             ORDER BY id DESC LIMIT $2",
            vec![format!("%{term}%").into(), limit.into()],
        ),
    };
    let rows: Vec<(i64,)> = db.fetch_all(&sql).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Moves one lead to a stage if its version is current (one UPDATE).
pub async fn move_stage(
    db: &Db,
    id: i64,
    version: i64,
    stage_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(&Sql::with(
            "UPDATE leads SET stage_id = $1, stage_changed_at = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
            vec![stage_id.into(), now.into(), id.into(), version.into()],
        ))
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// A lead's current version and stage.
pub async fn version_of(db: &Db, id: i64) -> Result<Option<(i64, i64)>> {
    let row: Option<(i64, i64)> = db
        .fetch_optional(&Sql::with(
            "SELECT version, stage_id FROM leads WHERE id = $1",
            vec![id.into()],
        ))
        .await?;
    Ok(row)
}

/// A report group: stage, salesperson, count, revenue.
type ReportRow = (Option<i64>, Option<i64>, i64, Option<i64>);

/// The pipeline report stage × salesperson: count and revenue per group (from the
/// maintained aggregates).
pub async fn report(db: &Db) -> Result<usize> {
    let rows: Vec<ReportRow> = db
        .fetch_all(&Sql::new(
            "SELECT stage_id, user_id, CAST(SUM(count) AS BIGINT), CAST(SUM(revenue_minor) AS BIGINT) \
             FROM lead_sums GROUP BY stage_id, user_id HAVING SUM(count) <> 0",
        ))
        .await?;
    Ok(rows.len())
}

/// The same report by scanning the leads.
pub async fn report_scan(db: &Db) -> Result<usize> {
    let rows: Vec<ReportRow> = db
        .fetch_all(&Sql::new(
            "SELECT stage_id, user_id, COUNT(*), CAST(SUM(revenue_minor) AS BIGINT) FROM leads \
             WHERE archived_at IS NULL GROUP BY stage_id, user_id",
        ))
        .await?;
    Ok(rows.len())
}
