//! `GET /api/v1/records/{type}/{id}/timeline`: a record's tracked changes, newest first.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::ListQuery;
use crate::extract::Auth;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeOut {
    pub id: i64,
    /// `change` for a tracked field change (notes, e-mails and activities come later).
    pub kind: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub changed_by: Option<i64>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    pub items: Vec<ChangeOut>,
    pub next_cursor: Option<String>,
}

/// The timeline of a lead (or contact): tracked changes with who and when, newest first,
/// `limit` per page, `cursor` from the previous page.
#[utoipa::path(get, path = "/api/v1/records/{type}/{id}/timeline", tag = "leads",
    params(("type" = String, Path, description = "`lead` or `contact`"), ("id" = i64, Path), ListQuery),
    responses((status = 200, description = "OK", body = Timeline), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 400, description = "Malformed request or query (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    auth: Auth,
    Path((kind, id)): Path<(String, String)>,
    query: ListQuery,
) -> ApiResult<Json<Timeline>> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let params = query.params()?;
    let before = match params.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| ApiError::bad_request("cursor", "not a cursor of this timeline"))?,
        ),
    };
    let (items, next) = match kind.as_str() {
        "lead" => {
            state
                .app
                .lead_timeline(auth.actor(), id, params.limit, before)
                .await?
        }
        "contact" => {
            state
                .app
                .contact_timeline(auth.actor(), id, params.limit, before)
                .await?
        }
        _ => return Err(ApiError::not_found()),
    };
    Ok(Json(Timeline {
        items: items
            .into_iter()
            .map(|c| ChangeOut {
                id: c.id,
                kind: "change".into(),
                field: c.field,
                old_value: c.old_value,
                new_value: c.new_value,
                changed_by: c.changed_by,
                changed_at: c.changed_at,
            })
            .collect(),
        next_cursor: next.map(|n| n.to_string()),
    }))
}
