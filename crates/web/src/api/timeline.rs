//! `GET /api/v1/records/{type}/{id}/timeline`: a record's tracked changes and posts (done
//! activities with their feedback; notes and e-mails), newest first.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use sen_app::timeline::TimelineItem;
use sen_domain::activity::RecordType;
use serde::Serialize;
use utoipa::ToSchema;

use super::ListQuery;
use crate::extract::Auth;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineItemOut {
    pub id: i64,
    /// `change` (a tracked field change), `activity` (an activity done), `note`, `email`,
    /// `meeting` (a meeting scheduled on the record; its id is the meeting's).
    pub kind: String,
    /// Changes: the field and its old and new values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
    /// Posts: the subject (an activity's summary or type) and body (its feedback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_type_id: Option<i64>,
    /// E-mails: the Message-ID sent (replies thread on it) and the recipients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<String>,
    /// Who (a user id).
    pub changed_by: Option<i64>,
    pub changed_at: DateTime<Utc>,
}

impl From<TimelineItem> for TimelineItemOut {
    fn from(i: TimelineItem) -> Self {
        match i {
            TimelineItem::Change(c) => TimelineItemOut {
                id: c.id,
                kind: "change".into(),
                field: Some(c.field),
                old_value: c.old_value,
                new_value: c.new_value,
                subject: None,
                body: None,
                activity_type_id: None,
                message_id: None,
                recipients: None,
                changed_by: c.changed_by,
                changed_at: c.changed_at,
            },
            TimelineItem::Message(m) => TimelineItemOut {
                id: m.id,
                kind: m.kind,
                field: None,
                old_value: None,
                new_value: None,
                subject: m.subject,
                body: m.body,
                activity_type_id: m.activity_type_id,
                message_id: m.message_id,
                recipients: m.recipients,
                changed_by: m.author_id,
                changed_at: m.created_at,
            },
            TimelineItem::Meeting(m) => TimelineItemOut {
                id: m.id,
                kind: "meeting".into(),
                field: None,
                old_value: None,
                new_value: None,
                subject: Some(m.name),
                body: m.description,
                activity_type_id: None,
                message_id: None,
                recipients: None,
                changed_by: m.created_by,
                changed_at: m.created_at,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    pub items: Vec<TimelineItemOut>,
    pub next_cursor: Option<String>,
}

/// The timeline of a lead (or contact): tracked changes and posts with who and when, newest
/// first, `limit` per page, `cursor` from the previous page.
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
    let rt = RecordType::parse(&kind).ok_or_else(ApiError::not_found)?;
    let params = query.params()?;
    let (items, next) = state
        .app
        .record_timeline(auth.actor(), rt, id, params.limit, params.cursor.as_deref())
        .await?;
    Ok(Json(Timeline {
        items: items.into_iter().map(TimelineItemOut::from).collect(),
        next_cursor: next,
    }))
}
