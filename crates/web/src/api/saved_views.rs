//! Favourites (`/api/v1/saved-views`): the search and view of a page (`board`, `leads`,
//! `opportunities`) saved under a name, private or shared, one default per user and page —
//! the same use cases as the search bar's "Favourites" menu. api.md names no path for them;
//! this is an addition.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sen_app::saved_views::{PAGES, ViewInput};
use sen_store::saved_views::SavedView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Auth, IdPath, JsonBody};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SavedViewOut {
    pub id: i64,
    /// Who saved it; others see it only when it is shared.
    pub user_id: i64,
    pub name: String,
    /// `board`, `leads` or `opportunities`.
    pub page: String,
    /// The page's URL query (`chip=open&group=stage`), without `?`.
    pub query: String,
    pub shared: bool,
    /// The owner's default for the page (opened when the page is opened bare).
    pub is_default: bool,
    /// The link that opens the view.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

fn page_path(page: &str) -> &'static str {
    match page {
        "board" => "/pipeline",
        "leads" => "/leads",
        _ => "/opportunities",
    }
}

impl From<SavedView> for SavedViewOut {
    fn from(v: SavedView) -> Self {
        let url = format!("{}?{}", page_path(&v.page), v.query);
        SavedViewOut {
            id: v.id,
            user_id: v.user_id,
            name: v.name,
            page: v.page,
            query: v.query,
            shared: v.shared,
            is_default: v.is_default,
            url,
            created_at: v.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SavedViewList {
    pub items: Vec<SavedViewOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct PageFilter {
    /// Only the views of this page.
    pub page: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SavedViewIn {
    pub name: Option<String>,
    pub page: Option<String>,
    pub query: Option<String>,
    pub shared: Option<bool>,
    pub is_default: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SavedViewPatch {
    pub name: Option<String>,
    pub shared: Option<bool>,
    pub is_default: Option<bool>,
}

/// Your views and the shared ones, your own first.
#[utoipa::path(get, path = "/api/v1/saved-views", tag = "saved-views", params(PageFilter),
    responses((status = 200, description = "OK", body = SavedViewList), (status = 401, description = "Not signed in (problem+json)", body = Problem),
              (status = 422, description = "Unknown page (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<SavedViewList>> {
    // Read by hand: a repeated or odd parameter must still answer problem+json.
    let page = serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v);
    if let Some(p) = &page
        && !PAGES.contains(&p.as_str())
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field("page", format!("one of: {}", PAGES.join(", "))));
    }
    let items: Vec<SavedViewOut> = state
        .app
        .saved_views(auth.actor(), page.as_deref())
        .await?
        .into_iter()
        .map(SavedViewOut::from)
        .collect();
    let total = items.len() as i64;
    Ok(Json(SavedViewList {
        items,
        next_cursor: None,
        total,
    }))
}

/// Save a view.
#[utoipa::path(post, path = "/api/v1/saved-views", tag = "saved-views", request_body = SavedViewIn,
    responses((status = 201, description = "Created", body = SavedViewOut), (status = 401, description = "Not signed in (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<SavedViewIn>,
) -> ApiResult<Response> {
    let input = ViewInput {
        name: b.name.unwrap_or_default(),
        page: b.page.unwrap_or_default(),
        query: b.query.unwrap_or_default(),
        shared: b.shared.unwrap_or(false),
        is_default: b.is_default.unwrap_or(false),
    };
    let v = state.app.save_view(auth.actor(), input).await?;
    let location = format!("/api/v1/saved-views/{}", v.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(SavedViewOut::from(v)),
    )
        .into_response())
}

/// One view (yours, or a shared one).
#[utoipa::path(get, path = "/api/v1/saved-views/{id}", tag = "saved-views", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = SavedViewOut), (status = 404, description = "No such view, or a colleague's private one (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<SavedViewOut>> {
    Ok(Json(state.app.saved_view(auth.actor(), id).await?.into()))
}

/// Rename, share or unshare (the owner, or an admin for a shared view), mark or unmark as
/// your default.
#[utoipa::path(patch, path = "/api/v1/saved-views/{id}", tag = "saved-views", params(("id" = i64, Path)), request_body = SavedViewPatch,
    responses((status = 200, description = "OK", body = SavedViewOut), (status = 404, description = "No such view (problem+json)", body = Problem),
              (status = 403, description = "A colleague's view (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<SavedViewPatch>,
) -> ApiResult<Json<SavedViewOut>> {
    let v = state
        .app
        .update_view(auth.actor(), id, b.name, b.shared, b.is_default)
        .await?;
    Ok(Json(v.into()))
}

/// Delete a view (the owner or an admin).
#[utoipa::path(delete, path = "/api/v1/saved-views/{id}", tag = "saved-views", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such view (problem+json)", body = Problem),
              (status = 403, description = "A colleague's view (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_view(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
