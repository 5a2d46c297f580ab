//! `GET /api/v1/board`: the kanban of one pipeline in one call.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use sen_app::board::{BoardParams, Column};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::leads::{LeadOut, MoneyJson};
use super::pipelines::{PipelineOut, StageOut};
use crate::extract::Auth;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// The pipeline (default: the first deal pipeline).
    #[param(value_type = Option<i64>)]
    pub pipeline_id: Option<String>,
    pub filter: Option<String>,
    pub q: Option<String>,
    /// Cards per stage, 1–200 (default 40).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub per_stage: Option<String>,
    /// `true` to get the cards of folded stages too.
    #[param(value_type = Option<bool>)]
    pub folded: Option<String>,
    /// With `cursor`: more cards of this stage only.
    #[param(value_type = Option<i64>)]
    pub stage_id: Option<String>,
    pub cursor: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for BoardQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map_err(|e| ApiError::bad_request("query", e.to_string()))
    }
}

fn number(field: &str, v: Option<&str>) -> ApiResult<Option<i64>> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request(field, "must be a whole number")),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityCounts {
    pub overdue: i64,
    pub today: i64,
    pub planned: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencySums {
    pub expected_revenue: MoneyJson,
    pub weighted_revenue: MoneyJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardStage {
    pub stage: StageOut,
    /// Every record of the stage that the filter and your access let through.
    pub count: i64,
    /// Sum in the workspace currency.
    pub expected_revenue: MoneyJson,
    /// Σ revenue × probability, rounded once.
    pub weighted_revenue: MoneyJson,
    /// Records in other currencies, summed per currency (never mixed in).
    pub other_currencies: Vec<CurrencySums>,
    /// Records by the state of their most urgent open activity (in its assignee's time zone).
    pub activity: ActivityCounts,
    pub stale: i64,
    pub cards: Vec<LeadOut>,
    /// Give it back with `stage_id` for the next cards of this stage.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardOut {
    pub pipeline: PipelineOut,
    pub stages: Vec<BoardStage>,
}

impl From<Column> for BoardStage {
    fn from(c: Column) -> Self {
        BoardStage {
            stage: c.stage.into(),
            count: c.count,
            expected_revenue: c.expected_revenue.into(),
            weighted_revenue: c.weighted_revenue.into(),
            other_currencies: c
                .other_currencies
                .into_iter()
                .map(|(e, w)| CurrencySums {
                    expected_revenue: e.into(),
                    weighted_revenue: w.into(),
                })
                .collect(),
            activity: ActivityCounts {
                overdue: c.activity.0,
                today: c.activity.1,
                planned: c.activity.2,
            },
            stale: c.stale,
            cards: c.cards.into_iter().map(LeadOut::from).collect(),
            next_cursor: c.next_cursor,
        }
    }
}

/// The kanban of one pipeline: per stage its count, sums, stale count and first cards.
#[utoipa::path(get, path = "/api/v1/board", tag = "leads", params(BoardQuery),
    responses((status = 200, description = "OK", body = BoardOut), (status = 400, description = "Malformed request or query (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn board(
    State(state): State<AppState>,
    auth: Auth,
    q: BoardQuery,
) -> ApiResult<Json<BoardOut>> {
    let params = BoardParams {
        pipeline_id: number("pipeline_id", q.pipeline_id.as_deref())?,
        filter: q.filter,
        q: q.q,
        per_stage: number("per_stage", q.per_stage.as_deref())?,
        include_folded: q.folded.as_deref() == Some("true"),
        stage_id: number("stage_id", q.stage_id.as_deref())?,
        cursor: q.cursor,
        without_cards: false,
    };
    let b = state.app.board(auth.actor(), &params).await?;
    Ok(Json(BoardOut {
        pipeline: b.pipeline.into(),
        stages: b.columns.into_iter().map(BoardStage::from).collect(),
    }))
}
