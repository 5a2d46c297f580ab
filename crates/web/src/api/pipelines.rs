//! Pipelines and stages (`/api/v1/pipelines`, `/api/v1/stages`): everyone reads; managers
//! and admins configure.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sen_domain::pipeline::{PipelineKind, PipelineValues, StageValues};
use sen_store::pipelines::{Pipeline, Stage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::teams::required_version;
use crate::extract::{Auth, IdPath, JsonBody, Patch};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct StageOut {
    pub id: i64,
    pub pipeline_id: i64,
    pub name: String,
    pub sequence: i64,
    /// Default probability (0–100) of records entering this stage.
    pub probability: i64,
    pub is_won: bool,
    pub folded: bool,
    pub requirements: Option<String>,
    pub team_ids: Vec<i64>,
    pub stale_after_days: Option<i64>,
    /// Fields a record must have filled before it may enter.
    pub required_fields: Vec<String>,
    pub version: i64,
}

impl From<Stage> for StageOut {
    fn from(s: Stage) -> Self {
        StageOut {
            required_fields: s.required_fields(),
            id: s.id,
            pipeline_id: s.pipeline_id,
            name: s.name,
            sequence: s.sequence,
            probability: s.probability,
            is_won: s.is_won,
            folded: s.folded,
            requirements: s.requirements,
            team_ids: s.team_ids,
            stale_after_days: s.stale_after_days,
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineOut {
    pub id: i64,
    pub name: String,
    /// `lead` or `deal`.
    pub kind: String,
    pub team_ids: Vec<i64>,
    pub number_prefix: String,
    pub lost_reason_required: bool,
    /// In order.
    pub stages: Vec<StageOut>,
    pub version: i64,
}

impl From<Pipeline> for PipelineOut {
    fn from(p: Pipeline) -> Self {
        PipelineOut {
            id: p.id,
            name: p.name,
            kind: p.kind,
            team_ids: p.team_ids,
            number_prefix: p.number_prefix,
            lost_reason_required: p.lost_reason_required,
            stages: p.stages.into_iter().map(StageOut::from).collect(),
            version: p.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineList {
    pub items: Vec<PipelineOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StageIn {
    pub name: Option<String>,
    pub probability: Option<i64>,
    pub is_won: Option<bool>,
    pub folded: Option<bool>,
    pub requirements: Option<String>,
    pub team_ids: Option<Vec<i64>>,
    pub stale_after_days: Option<i64>,
    pub required_fields: Option<Vec<String>>,
}

impl StageIn {
    fn into_values(self) -> StageValues {
        StageValues {
            name: self.name.unwrap_or_default(),
            probability: self.probability.unwrap_or(0),
            is_won: self.is_won.unwrap_or(false),
            folded: self.folded.unwrap_or(false),
            requirements: self.requirements,
            team_ids: self.team_ids.unwrap_or_default(),
            stale_after_days: self.stale_after_days,
            required_fields: self.required_fields.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PipelineIn {
    pub name: Option<String>,
    /// `lead` or `deal`.
    pub kind: Option<String>,
    pub team_ids: Option<Vec<i64>>,
    pub number_prefix: Option<String>,
    pub lost_reason_required: Option<bool>,
    /// The stages, in order; without them the kind's default stages are created.
    pub stages: Option<Vec<StageIn>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PipelinePatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub team_ids: Option<Vec<i64>>,
    pub number_prefix: Option<String>,
    pub lost_reason_required: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StagePatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub probability: Option<i64>,
    pub is_won: Option<bool>,
    pub folded: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub requirements: Patch<String>,
    pub team_ids: Option<Vec<i64>>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub stale_after_days: Patch<i64>,
    pub required_fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReorderIn {
    /// Every stage id of the pipeline, in the new order.
    pub stage_ids: Option<Vec<i64>>,
}

fn created<T: Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// Every pipeline with its ordered stages.
#[utoipa::path(get, path = "/api/v1/pipelines", tag = "pipelines",
    responses((status = 200, description = "OK", body = PipelineList), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<PipelineList>> {
    let items: Vec<PipelineOut> = state
        .app
        .list_pipelines()
        .await?
        .into_iter()
        .map(PipelineOut::from)
        .collect();
    let total = items.len() as i64;
    Ok(Json(PipelineList {
        items,
        next_cursor: None,
        total,
    }))
}

/// Create a pipeline (with its stages, or the kind's defaults).
#[utoipa::path(post, path = "/api/v1/pipelines", tag = "pipelines", request_body = PipelineIn,
    responses((status = 201, description = "Created", body = PipelineOut), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<PipelineIn>,
) -> ApiResult<Response> {
    let v = PipelineValues {
        name: b.name.unwrap_or_default(),
        kind: match b.kind.as_deref() {
            None => Some(PipelineKind::Deal),
            Some(k) => PipelineKind::parse(k),
        },
        team_ids: b.team_ids.unwrap_or_default(),
        number_prefix: b.number_prefix.unwrap_or_default(),
        lost_reason_required: b.lost_reason_required.unwrap_or(false),
    };
    let stages = b
        .stages
        .map(|s| s.into_iter().map(StageIn::into_values).collect());
    let p = state.app.create_pipeline(auth.actor(), v, stages).await?;
    Ok(created(
        format!("/api/v1/pipelines/{}", p.id),
        PipelineOut::from(p),
    ))
}

/// One pipeline with its ordered stages.
#[utoipa::path(get, path = "/api/v1/pipelines/{id}", tag = "pipelines", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = PipelineOut), (status = 404, description = "No such pipeline (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    _auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<PipelineOut>> {
    Ok(Json(state.app.get_pipeline(id).await?.into()))
}

/// Rename a pipeline or change its prefix, teams, "lost reason required".
#[utoipa::path(patch, path = "/api/v1/pipelines/{id}", tag = "pipelines", params(("id" = i64, Path)), request_body = PipelinePatch,
    responses((status = 200, description = "OK", body = PipelineOut), (status = 404, description = "No such pipeline (problem+json)", body = Problem),
              (status = 409, description = "Stale version, with `current` (problem+json)", body = Problem), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<PipelinePatch>,
) -> ApiResult<Json<PipelineOut>> {
    let version = required_version(b.version)?;
    let current = state.app.get_pipeline(id).await?;
    let v = PipelineValues {
        name: b.name.unwrap_or(current.name),
        kind: PipelineKind::parse(&current.kind),
        team_ids: b.team_ids.unwrap_or(current.team_ids),
        number_prefix: b.number_prefix.unwrap_or(current.number_prefix),
        lost_reason_required: b
            .lost_reason_required
            .unwrap_or(current.lost_reason_required),
    };
    Ok(Json(
        state
            .app
            .update_pipeline(auth.actor(), id, version, v)
            .await?
            .into(),
    ))
}

/// Delete a pipeline (not the last one of its kind).
#[utoipa::path(delete, path = "/api/v1/pipelines/{id}", tag = "pipelines", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such pipeline (problem+json)", body = Problem),
              (status = 409, description = "The last pipeline of its kind (problem+json)", body = Problem), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_pipeline(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A pipeline's stages, in order.
#[utoipa::path(get, path = "/api/v1/pipelines/{id}/stages", tag = "pipelines", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = [StageOut]), (status = 404, description = "No such pipeline (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn stages(
    State(state): State<AppState>,
    _auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<StageOut>>> {
    Ok(Json(
        state
            .app
            .get_pipeline(id)
            .await?
            .stages
            .into_iter()
            .map(StageOut::from)
            .collect(),
    ))
}

/// Add a stage at the end of a pipeline.
#[utoipa::path(post, path = "/api/v1/pipelines/{id}/stages", tag = "pipelines", params(("id" = i64, Path)), request_body = StageIn,
    responses((status = 201, description = "Created", body = StageOut), (status = 404, description = "No such pipeline (problem+json)", body = Problem),
              (status = 403, description = "Not allowed (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn add_stage(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<StageIn>,
) -> ApiResult<Response> {
    let s = state
        .app
        .add_stage(auth.actor(), id, b.into_values())
        .await?;
    Ok(created(
        format!("/api/v1/stages/{}", s.id),
        StageOut::from(s),
    ))
}

/// Put a pipeline's stages in a new order.
#[utoipa::path(post, path = "/api/v1/pipelines/{id}/stages/reorder", tag = "pipelines", params(("id" = i64, Path)), request_body = ReorderIn,
    responses((status = 200, description = "OK", body = PipelineOut), (status = 404, description = "No such pipeline (problem+json)", body = Problem),
              (status = 403, description = "Not allowed (problem+json)", body = Problem), (status = 422, description = "Not exactly the pipeline's stages (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn reorder(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<ReorderIn>,
) -> ApiResult<Json<PipelineOut>> {
    let Some(ids) = b.stage_ids else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field("stage_ids", "required"));
    };
    Ok(Json(
        state
            .app
            .reorder_stages(auth.actor(), id, &ids)
            .await?
            .into(),
    ))
}

/// One stage.
#[utoipa::path(get, path = "/api/v1/stages/{id}", tag = "pipelines", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = StageOut), (status = 404, description = "No such stage (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get_stage(
    State(state): State<AppState>,
    _auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<StageOut>> {
    Ok(Json(state.app.get_stage(id).await?.into()))
}

/// Change a stage (name, probability, won, folded, requirements, teams, stale days, required fields).
#[utoipa::path(patch, path = "/api/v1/stages/{id}", tag = "pipelines", params(("id" = i64, Path)), request_body = StagePatch,
    responses((status = 200, description = "OK", body = StageOut), (status = 404, description = "No such stage (problem+json)", body = Problem),
              (status = 409, description = "Stale version, with `current` (problem+json)", body = Problem), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update_stage(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<StagePatch>,
) -> ApiResult<Json<StageOut>> {
    let version = required_version(b.version)?;
    let c = state.app.get_stage(id).await?;
    let v = StageValues {
        required_fields: b.required_fields.unwrap_or_else(|| c.required_fields()),
        name: b.name.unwrap_or(c.name),
        probability: b.probability.unwrap_or(c.probability),
        is_won: b.is_won.unwrap_or(c.is_won),
        folded: b.folded.unwrap_or(c.folded),
        requirements: b.requirements.into_change().unwrap_or(c.requirements),
        team_ids: b.team_ids.unwrap_or(c.team_ids),
        stale_after_days: b
            .stale_after_days
            .into_change()
            .unwrap_or(c.stale_after_days),
    };
    Ok(Json(
        state
            .app
            .update_stage(auth.actor(), id, version, v)
            .await?
            .into(),
    ))
}

/// Delete a stage; its records move to `target_stage_id` (body or query).
#[utoipa::path(delete, path = "/api/v1/stages/{id}", tag = "pipelines", params(("id" = i64, Path), ("target_stage_id" = Option<i64>, Query)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such stage (problem+json)", body = Problem),
              (status = 400, description = "`target_stage_id` is not an id (problem+json)", body = Problem),
              (status = 409, description = "The last stage of its pipeline (problem+json)", body = Problem), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 422, description = "Invalid target stage (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete_stage(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    uri: axum::http::Uri,
) -> ApiResult<StatusCode> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let target = match pairs.iter().find(|(k, _)| k == "target_stage_id") {
        None => None,
        Some((_, v)) => Some(
            v.parse::<i64>()
                .map_err(|_| ApiError::bad_request("target_stage_id", "must be a stage id"))?,
        ),
    };
    state.app.delete_stage(auth.actor(), id, target).await?;
    Ok(StatusCode::NO_CONTENT)
}
