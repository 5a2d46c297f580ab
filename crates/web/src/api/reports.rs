//! `GET /api/v1/reports/pipeline`: grouped figures of leads and opportunities.

use axum::Json;
use axum::extract::{RawQuery, State};
use sen_app::reports::{ReportParams, ReportRow};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};

use super::leads::MoneyJson;
use crate::extract::Auth;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    pub group_by: Vec<String>,
    pub measures: Vec<String>,
    /// One object per group: the group values (`stage_id`, `user_id`, `team_id`,
    /// `pipeline_id`, `source_id`, `medium_id`, `campaign_id` as ids; `outcome`, `type` as
    /// text; `priority` as a number; null for none) and the measures asked for.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<Value>,
    /// The measures over every row.
    #[schema(value_type = Object)]
    pub total: Value,
}

#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct ReportQuery {
    /// One or two of: stage, user, team, pipeline, outcome, type, priority, source, medium,
    /// campaign (comma separated).
    pub group_by: String,
    /// Any of count, expected_revenue, weighted_revenue (comma separated; all by default).
    pub measures: Option<String>,
    /// The filter language.
    pub filter: Option<String>,
    pub pipeline_id: Option<i64>,
}

fn key_name(group: &str) -> String {
    match group {
        "outcome" | "type" | "priority" => group.to_string(),
        other => format!("{other}_id"),
    }
}

fn key_value(group: &str, v: &Option<String>) -> Value {
    match (group, v) {
        (_, None) => Value::Null,
        ("outcome" | "type", Some(s)) => Value::String(s.clone()),
        (_, Some(s)) => s
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(s.clone())),
    }
}

fn row_json(groups: &[String], measures: &[String], r: &ReportRow) -> Value {
    let mut m = Map::new();
    for (g, v) in groups.iter().zip(&r.keys) {
        m.insert(key_name(g), key_value(g, v));
    }
    for measure in measures {
        let v = match measure.as_str() {
            "count" => json!(r.count),
            "expected_revenue" => json!(MoneyJson::from(r.expected_revenue)),
            "weighted_revenue" => json!(MoneyJson::from(r.weighted_revenue)),
            _ => continue,
        };
        m.insert(measure.clone(), v);
    }
    if !r.other_currencies.is_empty() {
        m.insert(
            "other_currencies".into(),
            json!(r
                .other_currencies
                .iter()
                .map(|(e, w)| json!({"expected_revenue": MoneyJson::from(*e), "weighted_revenue": MoneyJson::from(*w)}))
                .collect::<Vec<_>>()),
        );
    }
    Value::Object(m)
}

/// Grouped figures over the leads and opportunities you may see (archived ones aside).
#[utoipa::path(get, path = "/api/v1/reports/pipeline", tag = "leads", params(ReportQuery),
    responses((status = 200, description = "OK", body = ReportOut), (status = 400, description = "Malformed query, or a bad filter (problem+json)", body = Problem),
              (status = 422, description = "Unknown group or measure (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn pipeline(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<ReportOut>> {
    let q = super::query::QueryPairs::parse(query.as_deref())?;
    let p = ReportParams {
        pipeline_id: q.number("pipeline_id")?,
        group_by: q.list("group_by"),
        measures: q.list("measures"),
        filter: q.text("filter"),
    };
    let r = state.app.pipeline_report(auth.actor(), &p).await?;
    Ok(Json(ReportOut {
        rows: r
            .rows
            .iter()
            .map(|row| row_json(&r.group_by, &r.measures, row))
            .collect(),
        total: row_json(&[], &r.measures, &r.total),
        group_by: r.group_by,
        measures: r.measures,
    }))
}
