//! The pipeline report: counts and revenue sums of leads grouped by up to two fields, in
//! one `GROUP BY` over the access scope and filter (per currency, converted by `app`).

use sen_domain::filter::Cond;

use crate::db::Db;
use crate::error::Result;
use crate::filter_sql;
use crate::leads;
use crate::sql::Sql;

/// The fields a report may group by, and their columns.
pub const GROUPS: &[(&str, &str)] = &[
    ("stage", "l.stage_id"),
    ("user", "l.user_id"),
    ("team", "l.team_id"),
    ("pipeline", "l.pipeline_id"),
    ("outcome", "l.outcome"),
    ("type", "l.type"),
    ("priority", "l.priority"),
    ("source", "l.source_id"),
    ("medium", "l.medium_id"),
    ("campaign", "l.campaign_id"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub k1: Option<String>,
    pub k2: Option<String>,
    pub currency: Option<String>,
    pub count: i64,
    pub revenue_minor: Option<i64>,
    pub weighted_centi_minor: Option<i64>,
}

/// One row per group and currency. `groups` are names from [`GROUPS`] (one or two).
pub async fn pipeline(
    db: &Db,
    groups: &[&str],
    pipeline_id: Option<i64>,
    scope: &Cond,
    filter: Option<&Cond>,
) -> Result<Vec<Row>> {
    let col = |g: &str| {
        GROUPS
            .iter()
            .find(|(n, _)| *n == g)
            .map(|(_, c)| format!("CAST({c} AS TEXT)"))
            .unwrap_or_else(|| "CAST(NULL AS TEXT)".into())
    };
    let k1 = col(groups.first().copied().unwrap_or(""));
    let k2 = col(groups.get(1).copied().unwrap_or(""));
    let backend = db.backend();
    let mut sql = Sql::new(format!(
        "SELECT {k1} AS k1, {k2} AS k2, l.currency, COUNT(*) AS count, \
         CAST(SUM(l.revenue_minor) AS BIGINT) AS revenue_minor, \
         CAST(SUM(l.revenue_minor * l.probability) AS BIGINT) AS weighted_centi_minor \
         FROM leads l WHERE l.archived_at IS NULL AND "
    ));
    sql.append(filter_sql::compile(scope, backend, leads::field_target)?);
    if let Some(f) = filter {
        sql.push(" AND ");
        sql.append(filter_sql::compile(f, backend, leads::field_target)?);
    }
    if let Some(p) = pipeline_id {
        sql.push(" AND l.pipeline_id = ").bind(p);
    }
    sql.push(" GROUP BY 1, 2, l.currency ORDER BY 1, 2");
    db.fetch_all(&sql).await
}
