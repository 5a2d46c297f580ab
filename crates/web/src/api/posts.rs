//! Posting on a record's timeline: `POST /api/v1/records/{type}/{id}/notes` (a note,
//! sanitised rich text with `@mentions`) and `.../messages` (an e-mail to the customer).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sen_app::notes::EmailInput;
use sen_domain::activity::RecordType;
use serde::Deserialize;
use utoipa::ToSchema;

use super::timeline::TimelineItemOut;
use crate::extract::{Auth, JsonBody};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteIn {
    /// HTML (p, br, b, strong, i, em, u, s, ul, ol, li, a, blockquote, code, pre are kept;
    /// anything else is removed) or plain text. `@name` mentions a user and notifies them.
    pub body: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmailIn {
    /// Recipients; the record's e-mail address when left out.
    pub to: Option<Vec<String>>,
    pub subject: Option<String>,
    /// HTML or plain text, sanitised like notes.
    pub body: Option<String>,
}

fn record(kind: &str, id: &str) -> ApiResult<(RecordType, i64)> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let rt = RecordType::parse(kind).ok_or_else(ApiError::not_found)?;
    Ok((rt, id))
}

fn created(item: sen_store::messages::Message) -> Response {
    (
        StatusCode::CREATED,
        Json(TimelineItemOut::from(
            sen_app::timeline::TimelineItem::Message(item),
        )),
    )
        .into_response()
}

/// Post a note on a lead, an opportunity or a contact.
#[utoipa::path(post, path = "/api/v1/records/{type}/{id}/notes", tag = "timeline",
    params(("type" = String, Path, description = "`lead` or `contact`"), ("id" = i64, Path)), request_body = NoteIn,
    responses((status = 201, description = "Posted (a timeline item of kind `note`)", body = TimelineItemOut),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 422, description = "Empty or too long, or an `@mention` of nobody (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn note(
    State(state): State<AppState>,
    auth: Auth,
    Path((kind, id)): Path<(String, String)>,
    JsonBody(b): JsonBody<NoteIn>,
) -> ApiResult<Response> {
    let (rt, id) = record(&kind, &id)?;
    let m = state
        .app
        .post_note(auth.actor(), rt, id, b.body.as_deref())
        .await?;
    Ok(created(m))
}

/// Send an e-mail from a record (queued; see `GET /api/v1/mails` for its delivery).
#[utoipa::path(post, path = "/api/v1/records/{type}/{id}/messages", tag = "timeline",
    params(("type" = String, Path, description = "`lead` or `contact`"), ("id" = i64, Path)), request_body = EmailIn,
    responses((status = 201, description = "Queued and posted (a timeline item of kind `email` with its `message_id`)", body = TimelineItemOut),
              (status = 403, description = "You may not change this record (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn message(
    State(state): State<AppState>,
    auth: Auth,
    Path((kind, id)): Path<(String, String)>,
    JsonBody(b): JsonBody<EmailIn>,
) -> ApiResult<Response> {
    let (rt, id) = record(&kind, &id)?;
    let m = state
        .app
        .send_record_email(
            auth.actor(),
            rt,
            id,
            EmailInput {
                to: b.to,
                subject: b.subject,
                body: b.body,
            },
        )
        .await?;
    Ok(created(m))
}
