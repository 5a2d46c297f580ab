//! The benchmark's baseline (benchmark.md "The limit"): the same answers as the API's, by
//! the fewest hand-written queries, timed by `sen bench` in the same run as the API.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::Result;
use crate::leads::{COLUMNS, Lead};
use crate::shared::tag_pairs;
use crate::sql::Sql;

/// Per stage and currency: count, revenue, overdue, weighted, today, planned.
type Sums = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

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
    let sums: Vec<Sums> = db
        .fetch_all(&Sql::with(
            "SELECT stage_id, CAST(SUM(count) AS BIGINT), CAST(SUM(revenue_minor) AS BIGINT), \
             CAST(SUM(CASE WHEN activity_day_end <= $2 THEN count ELSE 0 END) AS BIGINT), \
             CAST(SUM(weighted_centi_minor) AS BIGINT), \
             CAST(SUM(CASE WHEN activity_day_start <= $3 AND activity_day_end > $4 THEN count ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN activity_day_start > $5 THEN count ELSE 0 END) AS BIGINT) \
             FROM lead_sums WHERE pipeline_id = $1 GROUP BY stage_id, currency HAVING SUM(count) <> 0",
            vec![pipeline_id.into(), now.into(), now.into(), now.into(), now.into()],
        ))
        .await?;
    let sums = sums.into_iter().map(|s| (s.0, s.1, s.2, s.3)).collect();
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
    // The same answer as the API's: whole rows of the first cards, and their tags.
    let mut ids = Vec::new();
    for (stage, _, _, _) in &sums {
        let rows: Vec<Lead> = db
            .fetch_all(&Sql::with(
                format!(
                    "SELECT {COLUMNS} FROM leads l WHERE l.pipeline_id = $1 AND l.archived_at IS NULL \
                     AND l.stage_id = $2 ORDER BY l.priority DESC, l.id LIMIT {per_stage}"
                ),
                vec![pipeline_id.into(), (*stage).into()],
            ))
            .await?;
        ids.extend(rows.iter().map(|l| l.id));
    }
    tag_pairs(&mut &*db, "lead_tags", "lead_id", &ids).await?;
    Ok((sums.iter().map(|s| (s.0, s.1)).collect(), ids.len()))
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

/// Leads whose folded search text holds `term` (its trigram index), newest first, at most
/// `limit`, as whole rows with their tags, and the number of matches counted up to 1,000 —
/// the API's answer. Their ids.
pub async fn search(db: &Db, term: &str, limit: i64) -> Result<Vec<i64>> {
    // SQLite reads the matches off the trigram index newest first; PostgreSQL's planner
    // chooses between the trigram index and the primary key.
    // The count checks each match's `archived_at` in SQLite's narrow `leads_search_count`.
    let (from, count_from, matches, order, arg): (&str, &str, &str, &str, crate::sql::Arg) =
        match db.backend() {
            crate::Backend::Sqlite => (
                "leads_fts f JOIN leads l ON l.id = f.rowid",
                "leads_fts f JOIN leads l INDEXED BY leads_search_count ON l.id = f.rowid",
                "f.leads_fts MATCH $1",
                "f.rowid",
                format!("\"{}\"", term.replace('"', "\"\"")).into(),
            ),
            crate::Backend::Postgres => (
                "leads l",
                "leads l",
                "l.search_text LIKE $1",
                "l.id",
                format!("%{term}%").into(),
            ),
        };
    let rows: Vec<Lead> = db
        .fetch_all(&Sql::with(
            format!(
                "SELECT {COLUMNS} FROM {from} WHERE l.archived_at IS NULL AND {matches} \
                 ORDER BY {order} DESC LIMIT {limit}"
            ),
            vec![arg.clone()],
        ))
        .await?;
    let _: (i64,) = db
        .fetch_one(&Sql::with(
            format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {count_from} WHERE l.archived_at IS NULL \
                 AND {matches} LIMIT 1001) c"
            ),
            vec![arg],
        ))
        .await?;
    let ids: Vec<i64> = rows.iter().map(|l| l.id).collect();
    tag_pairs(&mut &*db, "lead_tags", "lead_id", &ids).await?;
    Ok(ids)
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
