//! Sales teams (`/api/v1/teams`): everyone reads; managers and admins change.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sen_app::sales_setup::TeamInput;
use sen_store::teams::Team;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Auth, IdPath, JsonBody, Patch};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamOut {
    pub id: i64,
    pub name: String,
    pub leader_id: Option<i64>,
    pub member_ids: Vec<i64>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Team> for TeamOut {
    fn from(t: Team) -> Self {
        TeamOut {
            id: t.id,
            name: t.name,
            leader_id: t.leader_id,
            member_ids: t.member_ids,
            active: t.active,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    pub items: Vec<TeamOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamIn {
    pub name: Option<String>,
    pub leader_id: Option<i64>,
    pub member_ids: Option<Vec<i64>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamPatch {
    /// The version last read (required).
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub leader_id: Patch<i64>,
    pub member_ids: Option<Vec<i64>>,
    pub active: Option<bool>,
}

/// The version a PATCH must carry.
pub fn required_version(v: Option<i64>) -> ApiResult<i64> {
    v.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field("version", "required: the version you last read")
    })
}

/// Every sales team.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams",
    responses((status = 200, description = "OK", body = TeamList), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<TeamList>> {
    let items: Vec<TeamOut> = state
        .app
        .list_teams()
        .await?
        .into_iter()
        .map(TeamOut::from)
        .collect();
    let total = items.len() as i64;
    Ok(Json(TeamList {
        items,
        next_cursor: None,
        total,
    }))
}

/// Create a team (managers and admins).
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", request_body = TeamIn,
    responses((status = 201, description = "Created", body = TeamOut), (status = 401, description = "Not signed in (problem+json)", body = Problem),
              (status = 403, description = "Not allowed (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<TeamIn>,
) -> ApiResult<Response> {
    let input = TeamInput {
        name: b.name.unwrap_or_default(),
        leader_id: b.leader_id,
        member_ids: b.member_ids.unwrap_or_default(),
        active: b.active.unwrap_or(true),
    };
    let t = state.app.create_team(auth.actor(), input).await?;
    let location = format!("/api/v1/teams/{}", t.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(TeamOut::from(t)),
    )
        .into_response())
}

/// One team.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = TeamOut), (status = 404, description = "No such team (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    _auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<TeamOut>> {
    Ok(Json(state.app.get_team(id).await?.into()))
}

/// Change a team; needs the `version` last read.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "teams", params(("id" = i64, Path)), request_body = TeamPatch,
    responses((status = 200, description = "OK", body = TeamOut), (status = 404, description = "No such team (problem+json)", body = Problem),
              (status = 409, description = "Stale version, with `current` (problem+json)", body = Problem), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<TeamPatch>,
) -> ApiResult<Json<TeamOut>> {
    let version = required_version(b.version)?;
    let current = state.app.get_team(id).await?;
    let input = TeamInput {
        name: b.name.unwrap_or(current.name),
        leader_id: b.leader_id.into_change().unwrap_or(current.leader_id),
        member_ids: b.member_ids.unwrap_or(current.member_ids),
        active: b.active.unwrap_or(current.active),
    };
    Ok(Json(
        state
            .app
            .update_team(auth.actor(), id, version, input)
            .await?
            .into(),
    ))
}

/// Delete a team (its members stay users; records keep no link to it).
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "teams", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such team (problem+json)", body = Problem),
              (status = 403, description = "Not allowed (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_team(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
