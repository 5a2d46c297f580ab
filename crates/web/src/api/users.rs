//! Users (admins only).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sen_app::users::{NewUserInput, UserChanges};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::session::UserOut;
use crate::extract::{Auth, IdPath, JsonBody};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserIn {
    pub name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    /// `admin`, `manager`, `team_leader` or `salesperson` (default).
    pub role: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub active: Option<bool>,
}

/// All users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, description = "OK", body = UserList), (status = 401, description = "Not signed in (problem+json)", body = Problem), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<UserList>> {
    let items: Vec<UserOut> = state
        .app
        .list_users(auth.actor())
        .await?
        .into_iter()
        .map(UserOut::from)
        .collect();
    let total = items.len() as i64;
    Ok(Json(UserList {
        items,
        next_cursor: None,
        total,
    }))
}

/// Create a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn,
    responses((status = 201, description = "Created", body = UserOut), (status = 401, description = "Not signed in (problem+json)", body = Problem), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<UserIn>,
) -> ApiResult<Response> {
    let u = state
        .app
        .create_user(
            auth.actor(),
            NewUserInput {
                name: b.name,
                email: b.email,
                password: b.password,
                role: b.role,
                language: b.language,
                time_zone: b.time_zone,
            },
        )
        .await?;
    let location = format!("/api/v1/users/{}", u.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(UserOut::from(u)),
    )
        .into_response())
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = UserOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<UserOut>> {
    Ok(Json(state.app.get_user(auth.actor(), id).await?.into()))
}

/// Change a user (role, active, password …).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, description = "OK", body = UserOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<UserPatch>,
) -> ApiResult<Json<UserOut>> {
    let changes = UserChanges {
        name: b.name,
        email: b.email,
        password: b.password,
        current_password: None,
        role: b.role,
        language: b.language,
        time_zone: b.time_zone,
        active: b.active,
        notify_email: None,
    };
    Ok(Json(
        state
            .app
            .update_user(auth.actor(), id, changes)
            .await?
            .into(),
    ))
}
