//! Loading many leads at once (CSV import, the benchmark's generator): multi-row INSERTs of
//! a few hundred rows each for the leads, their tags and their activities, instead of one
//! statement per row. Callers check and number the records first; this only writes them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sen_domain::lead::LeadValues;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::leads::value_args;
use crate::sql::{Arg, Sql};

/// Rows per statement: ~60 parameters a lead keeps this under SQLite's 32,766.
const ROWS_PER_INSERT: usize = 400;

/// An open activity loaded with its lead.
#[derive(Debug, Clone)]
pub struct BulkActivity {
    pub activity_type_id: i64,
    pub due_date: NaiveDate,
    pub user_id: i64,
    /// The due day's bounds in the assignee's zone.
    pub day_start: DateTime<Utc>,
    pub day_end: DateTime<Utc>,
}

/// One lead as it is written: values, number, placement, and how it ended.
#[derive(Debug, Clone)]
pub struct BulkLead {
    pub values: LeadValues,
    pub number: String,
    pub kind: &'static str,
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub outcome: &'static str,
    pub probability: i64,
    /// Lost or unqualified: the reason.
    pub outcome_reason_id: Option<i64>,
    /// Won or lost: closed when loaded.
    pub closed: bool,
    pub activities: Vec<BulkActivity>,
}

/// Writes `leads` with their tags and activities; their ids, in order.
pub async fn insert_many(
    tx: &mut Tx,
    leads: &[BulkLead],
    by: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(leads.len());
    for chunk in leads.chunks(ROWS_PER_INSERT) {
        ids.extend(insert_chunk(tx, chunk, by, now).await?);
    }
    let tags: Vec<Vec<Arg>> = leads
        .iter()
        .zip(&ids)
        .flat_map(|(l, id)| {
            l.values
                .tag_ids
                .iter()
                .map(move |t| vec![(*id).into(), (*t).into()])
        })
        .collect();
    for chunk in tags.chunks(ROWS_PER_INSERT * 10) {
        tx.execute(&Sql::insert_rows(
            "lead_tags",
            &["lead_id", "tag_id"],
            chunk.to_vec(),
            "",
        ))
        .await?;
    }
    let activities: Vec<Vec<Arg>> = leads
        .iter()
        .zip(&ids)
        .flat_map(|(l, id)| {
            l.activities.iter().map(move |a| {
                vec![
                    "lead".into(),
                    (*id).into(),
                    a.activity_type_id.into(),
                    a.due_date.into(),
                    a.user_id.into(),
                    a.day_start.into(),
                    a.day_end.into(),
                    now.into(),
                    by.into(),
                    now.into(),
                    by.into(),
                ]
            })
        })
        .collect();
    for chunk in activities.chunks(ROWS_PER_INSERT * 2) {
        tx.execute(&Sql::insert_rows(
            "activities",
            &[
                "record_type",
                "record_id",
                "activity_type_id",
                "due_date",
                "user_id",
                "day_start",
                "day_end",
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
            ],
            chunk.to_vec(),
            "",
        ))
        .await?;
    }
    Ok(ids)
}

async fn insert_chunk(
    tx: &mut Tx,
    chunk: &[BulkLead],
    by: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut names: Vec<&str> = Vec::new();
    let mut rows = Vec::with_capacity(chunk.len());
    for l in chunk {
        let d = l.values.derived(&l.number);
        // The lead's summary is its open activity that falls due first (as `refresh_lead`).
        let first = l.activities.iter().min_by_key(|a| a.day_end);
        let mut cols = value_args(&l.values, &d);
        cols.extend([
            ("number", l.number.as_str().into()),
            ("type", l.kind.into()),
            ("pipeline_id", l.pipeline_id.into()),
            ("stage_id", l.stage_id.into()),
            ("outcome", l.outcome.into()),
            ("probability", l.probability.into()),
            ("outcome_reason_id", l.outcome_reason_id.into()),
            ("closed_at", l.closed.then_some(now).into()),
            ("closed_by", l.closed.then_some(by).into()),
            ("stage_changed_at", now.into()),
            ("assigned_at", l.values.user_id.map(|_| now).into()),
            ("activity_due", first.map(|a| a.due_date).into()),
            ("activity_day_start", first.map(|a| a.day_start).into()),
            ("activity_day_end", first.map(|a| a.day_end).into()),
            ("created_at", now.into()),
            ("created_by", by.into()),
            ("updated_at", now.into()),
            ("updated_by", by.into()),
        ]);
        if names.is_empty() {
            names = cols.iter().map(|(n, _)| *n).collect();
        }
        rows.push(cols.into_iter().map(|(_, a)| a).collect());
    }
    let returned: Vec<(i64, i64, String)> = tx
        .fetch_all(&Sql::insert_rows(
            "leads",
            &names,
            rows,
            "id, pipeline_id, number",
        ))
        .await?;
    // RETURNING's order is not promised; numbers are unique per pipeline.
    let by_number: HashMap<(i64, &str), i64> = returned
        .iter()
        .map(|(id, p, n)| ((*p, n.as_str()), *id))
        .collect();
    chunk
        .iter()
        .map(|l| {
            by_number
                .get(&(l.pipeline_id, l.number.as_str()))
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("lead {} was not written", l.number)))
        })
        .collect()
}

/// Refreshes the planner's statistics after a large load, so the next queries are planned
/// for the table as it now is (PostgreSQL's autovacuum would do it only later).
pub async fn analyze(db: &crate::db::Db) -> Result<()> {
    let tables = ["leads", "lead_sums", "lead_tags", "activities", "contacts"];
    match db.backend() {
        crate::db::Backend::Sqlite => crate::sqlite_stats::analyze(db).await?,
        crate::db::Backend::Postgres => {
            db.execute(&Sql::new(format!("ANALYZE {}", tables.join(", "))))
                .await?;
            // Merge what the load left in the trigram indexes' pending lists, which every
            // search would otherwise read in full. Only the indexes' owner may: a server
            // running as another role logs it and goes on (autovacuum merges them later).
            for index in ["leads_search", "contacts_search"] {
                let merge = Sql::new(format!(
                    "SELECT gin_clean_pending_list('{index}'::regclass)"
                ));
                if let Err(e) = db.execute(&merge).await {
                    tracing::warn!(error = %e, index, "merging a search index's pending list");
                }
            }
            // Compacting after a large load leaves as many dead rows in lead_sums as were
            // loaded. A plain VACUUM frees them but keeps the file's size, and every board
            // read scanned it: 134 MB for 8,700 live rows after 1,000,000 leads, 42 ms per
            // read instead of 3.8. FULL rewrites the few live rows (0.4 s there, readers
            // wait that once). VACUUM cannot run inside a transaction.
            if let crate::db::Db::Postgres(pool) = db {
                sqlx::query("VACUUM FULL lead_sums").execute(pool).await?;
            }
        }
    }
    Ok(())
}
