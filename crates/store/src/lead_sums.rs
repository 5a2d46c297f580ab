//! Maintained aggregates of the non-archived leads (migration 0013): counts and sums per
//! pipeline × stage × type × outcome × salesperson × team × currency × activity due day.
//! Triggers append ±1 rows in every write's transaction; readers sum them by key. The board's
//! column figures and the pipeline report read these few thousand rows instead of scanning
//! every lead whenever the access rule and the filter only name these keys; anything else
//! (free text, other fields) falls back to the scan, which stays the reference: a test
//! checks both always agree.

use sen_domain::filter::Cond;

use crate::db::{Backend, Db, Tx};
use crate::error::Result;
use crate::filter_sql::{self, Target};
use crate::leads;
use crate::sql::Sql;

/// The lead columns the aggregates are keyed by, and their name in `lead_sums`.
const KEYS: &[(&str, &str)] = &[
    ("l.pipeline_id", "a.pipeline_id"),
    ("l.stage_id", "a.stage_id"),
    ("l.type", "a.type"),
    ("l.outcome", "a.outcome"),
    ("l.user_id", "a.user_id"),
    ("l.team_id", "a.team_id"),
    ("l.currency", "a.currency"),
    ("l.activity_day_start", "a.activity_day_start"),
    ("l.activity_day_end", "a.activity_day_end"),
];

/// The column of `lead_sums a` that keeps lead column `lead_column` (`l.stage_id` →
/// `a.stage_id`), if it is a key.
pub fn keyed_column(lead_column: &str) -> Option<&'static str> {
    KEYS.iter()
        .find(|(lead, _)| *lead == lead_column)
        .map(|(_, sums)| *sums)
}

/// A filter field that is an aggregate key, as a column of `lead_sums a`.
fn key_target(field: &str) -> Option<Target> {
    let Some(Target::Column(column)) = leads::field_target(field) else {
        return None;
    };
    keyed_column(column).map(Target::Column)
}

/// The `WHERE` over `lead_sums a` equivalent to the access rule and the filter over
/// non-archived leads, or `None` when one of them names a field the aggregates do not keep.
pub fn condition(backend: Backend, scope: &Cond, filter: Option<&Cond>) -> Option<Sql> {
    let mut sql = Sql::new("1 = 1");
    for c in std::iter::once(scope).chain(filter) {
        sql.push(" AND ");
        sql.append(filter_sql::compile(c, backend, key_target).ok()?);
    }
    Some(sql)
}

/// The sum expressions every reader uses, aliased like the scans' columns.
pub const MEASURES: &str = "CAST(SUM(a.count) AS BIGINT) AS count, \
     CAST(SUM(a.revenue_minor) AS BIGINT) AS revenue_minor, \
     CAST(SUM(a.weighted_centi_minor) AS BIGINT) AS weighted_centi_minor";

/// Keys whose rows cancel out (every record left) are not groups.
pub const NON_EMPTY: &str = " HAVING SUM(a.count) <> 0";

/// Rows in the table (for deciding when to compact).
pub async fn row_count(db: &Db) -> Result<i64> {
    let (n,): (i64,) = db
        .fetch_one(&Sql::new("SELECT COUNT(*) FROM lead_sums"))
        .await?;
    Ok(n)
}

const KEY_COLUMNS: &str = "pipeline_id, stage_id, type, outcome, user_id, team_id, currency, \
     activity_day_start, activity_day_end";

/// Folds the appended rows into one row per key (dropping keys that cancel out). One
/// compaction at a time: the workspace row is locked first, so two never fold the same rows.
pub async fn compact(tx: &mut Tx) -> Result<()> {
    lock(tx).await?;
    let Some((max,)): Option<(Option<i64>,)> = tx
        .fetch_optional(&Sql::new("SELECT MAX(id) FROM lead_sums"))
        .await?
    else {
        return Ok(());
    };
    let Some(max) = max else { return Ok(()) };
    // Only keys holding more than one row are rewritten: rewriting all of them on every
    // compaction left ~8,700 dead rows each time on PostgreSQL (readers scanned them until
    // a vacuum) and held SQLite's one writer for the whole table.
    let repeated = format!(
        "SELECT id FROM (SELECT id, COUNT(*) OVER (PARTITION BY {KEY_COLUMNS}) AS n \
         FROM lead_sums WHERE id <= $1) w WHERE n > 1"
    );
    let fold = format!(
        "INSERT INTO lead_sums ({KEY_COLUMNS}, count, revenue_minor, weighted_centi_minor) \
         SELECT {KEY_COLUMNS}, SUM(count), SUM(revenue_minor), SUM(weighted_centi_minor) \
         FROM {{rows}} GROUP BY {KEY_COLUMNS} HAVING SUM(count) <> 0"
    );
    match tx.backend() {
        // One statement, one snapshot: exactly the rows it deletes are folded. (Two
        // statements could delete a writer's row that committed between them unfolded.)
        Backend::Postgres => {
            let sql = format!(
                "WITH gone AS (DELETE FROM lead_sums WHERE id IN ({repeated}) RETURNING *) {}",
                fold.replace("{rows}", "gone")
            );
            tx.execute(&Sql::with(sql, vec![max.into()])).await?;
        }
        // SQLite's single writer holds the database for the whole transaction.
        Backend::Sqlite => {
            let rows = format!("lead_sums WHERE id IN ({repeated})");
            tx.execute(&Sql::with(fold.replace("{rows}", &rows), vec![max.into()]))
                .await?;
            tx.execute(&Sql::with(
                format!("DELETE FROM lead_sums WHERE id IN ({repeated})"),
                vec![max.into()],
            ))
            .await?;
        }
    }
    Ok(())
}

/// Recomputes the aggregates from `leads` (`sen rebuild-sums`). Writers of `leads` wait
/// for it on PostgreSQL, so none can add rows between the delete and the recount.
pub async fn rebuild(tx: &mut Tx) -> Result<()> {
    lock(tx).await?;
    if tx.backend() == Backend::Postgres {
        tx.execute(&Sql::new("LOCK TABLE leads IN SHARE MODE"))
            .await?;
    }
    tx.execute(&Sql::new("DELETE FROM lead_sums")).await?;
    tx.execute(&Sql::new(format!(
        "INSERT INTO lead_sums ({KEY_COLUMNS}, count, revenue_minor, weighted_centi_minor) \
         SELECT {KEY_COLUMNS}, COUNT(*), SUM(revenue_minor), SUM(revenue_minor * probability) \
         FROM leads WHERE archived_at IS NULL GROUP BY {KEY_COLUMNS}"
    )))
    .await?;
    Ok(())
}

/// Serialises compactions and rebuilds (SQLite's single writer already does; PostgreSQL
/// takes a transaction-scoped advisory lock, which exists even before any row does).
async fn lock(tx: &mut Tx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        tx.execute(&Sql::new("SELECT pg_advisory_xact_lock(7001300)"))
            .await?;
    }
    Ok(())
}
