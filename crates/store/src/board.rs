//! The kanban board in a fixed number of queries, whatever the number of stages: one
//! aggregate (count, sums per currency, stale count) grouped by stage, and one query for the
//! first cards of every stage (a window function), plus their tags.

use chrono::{DateTime, Duration, Utc};
use sen_domain::filter::Cond;
use sen_domain::search::SearchQuery;

use crate::db::{Backend, Db};
use crate::error::Result;
use crate::filter_sql;
use crate::lead_sums;
use crate::leads::{self, Lead};
use crate::listing::{BadCursor, KeyKind, KeyValue, Order, SortExpr};
use crate::pipelines::Stage;
use crate::shared;
use crate::sql::Sql;

/// One stage's figures in one currency.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StageSums {
    pub stage_id: i64,
    pub currency: Option<String>,
    pub count: i64,
    pub revenue_minor: Option<i64>,
    /// Σ revenue × probability (divide by 100 for the weighted amount).
    pub weighted_centi_minor: Option<i64>,
    pub stale: i64,
    /// Records whose most urgent open activity is overdue / due today / planned.
    pub overdue: i64,
    pub today: i64,
    pub planned: i64,
}

pub struct BoardSpec<'a> {
    pub pipeline_id: i64,
    pub scope: &'a Cond,
    pub filter: Option<&'a Cond>,
    pub query: &'a SearchQuery,
    pub per_stage: i64,
    pub now: DateTime<Utc>,
}

fn card_order() -> Order {
    Order {
        keys: vec![(
            SortExpr {
                expr: "l.priority",
                kind: KeyKind::Int,
            },
            true,
        )],
        id_expr: "l.id",
    }
}

fn where_clause(backend: Backend, spec: &BoardSpec<'_>) -> Result<Sql> {
    let mut sql = Sql::new(" WHERE l.pipeline_id = ");
    sql.bind(spec.pipeline_id)
        .push(" AND l.archived_at IS NULL AND ");
    sql.append(filter_sql::compile(
        spec.scope,
        backend,
        leads::field_target,
    )?);
    if let Some(f) = spec.filter {
        sql.push(" AND ");
        sql.append(filter_sql::compile(f, backend, leads::field_target)?);
    }
    shared::push_search(&mut sql, backend, spec.query, leads::SEARCH);
    Ok(sql)
}

/// "Stale": in a stage with `stale_after_days`, unchanged for longer than that.
fn stale_expr(stages: &[Stage], now: DateTime<Utc>) -> Sql {
    let mut sql = Sql::new("SUM(CASE");
    let mut any = false;
    for s in stages {
        if let Some(days) = s.stale_after_days {
            any = true;
            sql.push(" WHEN l.stage_id = ")
                .bind(s.id)
                .push(" AND l.outcome = 'open' AND l.stage_changed_at < ");
            sql.bind(now - Duration::days(days));
            sql.push(" THEN 1");
        }
    }
    if !any {
        return Sql::new("0");
    }
    sql.push(" ELSE 0 END)");
    sql
}

/// The activity bar's three counts (see `sen_domain::activity::state_at`) over the rows of
/// alias `t`, each weighing `weight` (1 per lead, or an aggregate row's count).
fn activity_counts(sql: &mut Sql, now: DateTime<Utc>, t: &str, weight: &str) {
    sql.push(&format!("CAST(SUM(CASE WHEN {t}.activity_day_end <= "))
        .bind(now)
        .push(&format!(
            " THEN {weight} ELSE 0 END) AS BIGINT) AS overdue, "
        ));
    sql.push(&format!("CAST(SUM(CASE WHEN {t}.activity_day_start <= "))
        .bind(now)
        .push(&format!(" AND {t}.activity_day_end > "))
        .bind(now)
        .push(&format!(" THEN {weight} ELSE 0 END) AS BIGINT) AS today, "));
    sql.push(&format!("CAST(SUM(CASE WHEN {t}.activity_day_start > "))
        .bind(now)
        .push(&format!(" THEN {weight} ELSE 0 END) AS BIGINT) AS planned"));
}

/// Counts and sums per stage and currency: from the maintained aggregates (`lead_sums`)
/// when the access rule and the filter name only their keys and there is no free text,
/// otherwise by scanning the matching leads. Both give the same rows.
pub async fn sums(db: &Db, spec: &BoardSpec<'_>, stages: &[Stage]) -> Result<Vec<StageSums>> {
    match lead_sums::condition(db.backend(), spec.scope, spec.filter) {
        Some(cond) if spec.query.terms.is_empty() => {
            sums_from_aggregates(db, spec, stages, cond).await
        }
        _ => sums_scan(db, spec, stages).await,
    }
}

/// The column figures by scanning every matching lead (the reference answer).
pub async fn sums_scan(db: &Db, spec: &BoardSpec<'_>, stages: &[Stage]) -> Result<Vec<StageSums>> {
    let mut sql = Sql::new(
        "SELECT l.stage_id, l.currency, COUNT(*) AS count, CAST(SUM(l.revenue_minor) AS BIGINT) AS revenue_minor, \
         CAST(SUM(l.revenue_minor * l.probability) AS BIGINT) AS weighted_centi_minor, CAST(",
    );
    sql.append(stale_expr(stages, spec.now));
    sql.push(" AS BIGINT) AS stale, ");
    activity_counts(&mut sql, spec.now, "l", "1");
    sql.push(" FROM leads l JOIN stages s ON s.id = l.stage_id");
    sql.append(where_clause(db.backend(), spec)?);
    sql.push(" GROUP BY l.stage_id, l.currency");
    db.fetch_all(&sql).await
}

async fn sums_from_aggregates(
    db: &Db,
    spec: &BoardSpec<'_>,
    stages: &[Stage],
    cond: Sql,
) -> Result<Vec<StageSums>> {
    let mut sql = Sql::new(format!(
        "SELECT a.stage_id, a.currency, {}, CAST(0 AS BIGINT) AS stale, ",
        lead_sums::MEASURES
    ));
    activity_counts(&mut sql, spec.now, "a", "a.count");
    sql.push(" FROM lead_sums a WHERE a.pipeline_id = ")
        .bind(spec.pipeline_id)
        .push(" AND ");
    sql.append(cond);
    sql.push(" GROUP BY a.stage_id, a.currency");
    sql.push(lead_sums::NON_EMPTY);
    let mut rows: Vec<StageSums> = db.fetch_all(&sql).await?;
    if stages.iter().any(|s| s.stale_after_days.is_some()) {
        for (stage_id, stale) in stale_counts(db, spec, stages).await? {
            // Stale records are open ones, so their stage has a row; the figure goes on the
            // stage's first row (the app adds a stage's rows together).
            if let Some(r) = rows.iter_mut().find(|r| r.stage_id == stage_id) {
                r.stale = stale;
            }
        }
    }
    Ok(rows)
}

/// Stale records per stage: one index range (`leads_stale`) per stage that has a limit.
async fn stale_counts(db: &Db, spec: &BoardSpec<'_>, stages: &[Stage]) -> Result<Vec<(i64, i64)>> {
    let mut sql =
        Sql::new("SELECT l.stage_id, COUNT(*) FROM leads l JOIN stages s ON s.id = l.stage_id");
    sql.append(where_clause(db.backend(), spec)?);
    sql.push(" AND l.outcome = 'open' AND (");
    let mut first = true;
    for s in stages {
        if let Some(days) = s.stale_after_days {
            sql.push(if first { "" } else { " OR " });
            first = false;
            sql.push("(l.stage_id = ")
                .bind(s.id)
                .push(" AND l.stage_changed_at < ")
                .bind(spec.now - Duration::days(days))
                .push(")");
        }
    }
    sql.push(") GROUP BY l.stage_id");
    db.fetch_all(&sql).await
}

/// The first `per_stage` cards of each of `stage_ids`, best first (priority, then oldest):
/// one query of one `LIMIT`ed index range per stage (`leads_cards`), so the time does not
/// grow with the number of records the way a window over every row did.
pub async fn first_cards(db: &Db, spec: &BoardSpec<'_>, stage_ids: &[i64]) -> Result<Vec<Lead>> {
    if stage_ids.is_empty() {
        return Ok(Vec::new());
    }
    let order = card_order();
    let mut sql = Sql::new("SELECT * FROM (");
    for (i, id) in stage_ids.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(&format!(
            "SELECT * FROM (SELECT {} FROM leads l JOIN stages s ON s.id = l.stage_id",
            leads::COLUMNS
        ));
        sql.append(where_clause(db.backend(), spec)?);
        sql.push(" AND l.stage_id = ").bind(*id);
        sql.push(&order.order_by(db.backend()));
        sql.limit(spec.per_stage);
        sql.push(&format!(") c{i}"));
    }
    sql.push(") u ORDER BY u.stage_id, u.priority DESC, u.id");
    let mut cards: Vec<Lead> = db.fetch_all(&sql).await?;
    leads::load_tags(&mut &*db, &mut cards).await?;
    Ok(cards)
}

/// More cards of one stage after `cursor` (from a previous answer).
pub async fn more_cards(
    db: &Db,
    spec: &BoardSpec<'_>,
    stage_id: i64,
    cursor: Option<&str>,
) -> Result<Result<(Vec<Lead>, Option<String>), BadCursor>> {
    let order = card_order();
    let mut sql = Sql::new(format!(
        "SELECT {} FROM leads l JOIN stages s ON s.id = l.stage_id",
        leads::COLUMNS
    ));
    sql.append(where_clause(db.backend(), spec)?);
    sql.push(" AND l.stage_id = ").bind(stage_id);
    if let Some(c) = cursor {
        let Ok((values, id)) = order.decode_cursor(c) else {
            return Ok(Err(BadCursor));
        };
        sql.push(" AND ");
        sql.append(order.after(db.backend(), &values, id));
    }
    sql.push(&order.order_by(db.backend()));
    sql.limit(spec.per_stage + 1);
    let mut cards: Vec<Lead> = db.fetch_all(&sql).await?;
    let next = next_cursor(&mut cards, spec.per_stage);
    leads::load_tags(&mut &*db, &mut cards).await?;
    Ok(Ok((cards, next)))
}

/// Cuts a page to `limit` and gives the cursor after its last card, if more follow.
pub fn next_cursor(cards: &mut Vec<Lead>, limit: i64) -> Option<String> {
    if cards.len() as i64 <= limit {
        return None;
    }
    cards.truncate(limit as usize);
    cards
        .last()
        .map(|l| card_order().encode_cursor(&[KeyValue::Int(l.priority)], l.id))
}

/// The cursor after the last of the first cards of a stage that holds more than them.
pub fn cursor_after(last: &Lead) -> String {
    card_order().encode_cursor(&[KeyValue::Int(last.priority)], last.id)
}
