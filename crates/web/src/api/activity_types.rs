//! `/api/v1/activity-types`: everyone reads them; managers and admins change them.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sen_app::activity_types::values_of;
use sen_domain::activity::{Category, DelayFrom, DelayUnit, NextMode, TypeValues};
use sen_store::activities::ActivityType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Auth, IdPath, JsonBody, Patch};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityTypeOut {
    pub id: i64,
    pub name: String,
    /// `phone`, `mail`, `users`, `check`, `upload`, `clock`, `file` or `flag`.
    pub icon: String,
    /// `call`, `email`, `meeting`, `todo` or `upload`.
    pub category: String,
    /// The default due date: `delay_count` `delay_unit` (`days`, `weeks`, `months`) after
    /// `delay_from` (`today`, or `previous`: the due date of the activity just done).
    pub delay_count: i64,
    pub delay_unit: String,
    pub delay_from: String,
    pub default_user_id: Option<i64>,
    pub summary: Option<String>,
    pub note: Option<String>,
    /// What follows when an activity of this type is done: `none`, `suggest` (offered,
    /// prefilled) or `trigger` (scheduled by itself).
    pub next_mode: String,
    pub next_type_id: Option<i64>,
    pub sequence: i64,
    pub active: bool,
    pub version: i64,
}

impl From<ActivityType> for ActivityTypeOut {
    fn from(t: ActivityType) -> Self {
        ActivityTypeOut {
            id: t.id,
            name: t.name,
            icon: t.icon,
            category: t.category,
            delay_count: t.delay_count,
            delay_unit: t.delay_unit,
            delay_from: t.delay_from,
            default_user_id: t.default_user_id,
            summary: t.summary,
            note: t.note,
            next_mode: t.next_mode,
            next_type_id: t.next_type_id,
            sequence: t.sequence,
            active: t.active,
            version: t.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityTypeList {
    pub items: Vec<ActivityTypeOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// A type to create or change: absent fields keep their value (or the default on create),
/// `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActivityTypeIn {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub icon: Option<String>,
    pub category: Option<String>,
    pub delay_count: Option<i64>,
    pub delay_unit: Option<String>,
    pub delay_from: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub default_user_id: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub summary: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub note: Patch<String>,
    pub next_mode: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub next_type_id: Patch<i64>,
    pub sequence: Option<i64>,
    pub active: Option<bool>,
}

fn choice<T: Copy>(
    errors: &mut ApiError,
    field: &str,
    given: Option<&str>,
    current: T,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> Vec<String>,
) -> T {
    match given {
        None => current,
        Some(s) => parse(s).unwrap_or_else(|| {
            *errors = errors
                .clone()
                .field(field, format!("one of: {}", choices().join(", ")));
            current
        }),
    }
}

/// Applies a body to current values; choice fields that do not parse are named.
fn apply(b: ActivityTypeIn, cur: TypeValues) -> ApiResult<TypeValues> {
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
        "The request has invalid fields",
    );
    let category = choice(
        &mut e,
        "category",
        b.category.as_deref(),
        cur.category,
        Category::parse,
        Category::choices,
    );
    let delay_unit = choice(
        &mut e,
        "delay_unit",
        b.delay_unit.as_deref(),
        cur.delay_unit,
        DelayUnit::parse,
        DelayUnit::choices,
    );
    let delay_from = choice(
        &mut e,
        "delay_from",
        b.delay_from.as_deref(),
        cur.delay_from,
        DelayFrom::parse,
        DelayFrom::choices,
    );
    let next_mode = choice(
        &mut e,
        "next_mode",
        b.next_mode.as_deref(),
        cur.next_mode,
        NextMode::parse,
        NextMode::choices,
    );
    if !e.problem.errors.is_empty() {
        return Err(e);
    }
    Ok(TypeValues {
        name: b.name.unwrap_or(cur.name),
        icon: b.icon.unwrap_or(cur.icon),
        category,
        delay_count: b.delay_count.unwrap_or(cur.delay_count),
        delay_unit,
        delay_from,
        default_user_id: b
            .default_user_id
            .into_change()
            .unwrap_or(cur.default_user_id),
        summary: b.summary.into_change().unwrap_or(cur.summary),
        note: b.note.into_change().unwrap_or(cur.note),
        next_type_id: b.next_type_id.into_change().unwrap_or(cur.next_type_id),
        next_mode,
        sequence: b.sequence.unwrap_or(cur.sequence),
        active: b.active.unwrap_or(cur.active),
    })
}

/// Every activity type, in their order.
#[utoipa::path(get, path = "/api/v1/activity-types", tag = "activities",
    responses((status = 200, description = "OK", body = ActivityTypeList), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<ActivityTypeList>> {
    let items: Vec<ActivityTypeOut> = state
        .app
        .activity_types()
        .await?
        .into_iter()
        .map(ActivityTypeOut::from)
        .collect();
    let total = items.len() as i64;
    Ok(Json(ActivityTypeList {
        items,
        next_cursor: None,
        total,
    }))
}

/// Create a type (managers and admins).
#[utoipa::path(post, path = "/api/v1/activity-types", tag = "activities", request_body = ActivityTypeIn,
    responses((status = 201, description = "Created", body = ActivityTypeOut), (status = 401, description = "Not signed in (problem+json)", body = Problem),
              (status = 403, description = "Managers and admins only (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<ActivityTypeIn>,
) -> ApiResult<Response> {
    let v = apply(b, TypeValues::default())?;
    let t = state.app.create_activity_type(auth.actor(), v).await?;
    let location = format!("/api/v1/activity-types/{}", t.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ActivityTypeOut::from(t)),
    )
        .into_response())
}

/// One type.
#[utoipa::path(get, path = "/api/v1/activity-types/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ActivityTypeOut), (status = 404, description = "No such type (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    _auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<ActivityTypeOut>> {
    Ok(Json(state.app.activity_type(id).await?.into()))
}

/// Change a type (`version` required; managers and admins).
#[utoipa::path(patch, path = "/api/v1/activity-types/{id}", tag = "activities", params(("id" = i64, Path)), request_body = ActivityTypeIn,
    responses((status = 200, description = "OK", body = ActivityTypeOut), (status = 404, description = "No such type (problem+json)", body = Problem),
              (status = 403, description = "Managers and admins only (problem+json)", body = Problem),
              (status = 409, description = "Changed meanwhile (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<ActivityTypeIn>,
) -> ApiResult<Json<ActivityTypeOut>> {
    let Some(version) = b.version else {
        return Err(ApiError::unprocessable("version", "required"));
    };
    let current = state.app.activity_type(id).await?;
    let v = apply(b, values_of(&current))?;
    let t = state
        .app
        .update_activity_type(auth.actor(), id, version, v)
        .await?;
    Ok(Json(t.into()))
}

/// Delete a type no activity uses (409 otherwise: deactivate it instead).
#[utoipa::path(delete, path = "/api/v1/activity-types/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such type (problem+json)", body = Problem),
              (status = 403, description = "Managers and admins only (problem+json)", body = Problem),
              (status = 409, description = "Activities use it (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_activity_type(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
