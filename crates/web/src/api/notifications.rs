//! Followers (`/api/v1/followers`) and the signed-in user's notifications
//! (`/api/v1/notifications`).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sen_app::notify::{FollowView, describe};
use sen_store::notifications::Notification;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::query::QueryPairs;
use crate::extract::{Auth, IdPath, JsonBody};
use crate::i18n::I18n;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowerOut {
    pub id: i64,
    /// `lead`, `contact` or `team` (every record of the team).
    pub record_type: String,
    pub record_id: i64,
    pub user_id: i64,
    pub user_name: String,
    /// What the follower hears about: `stage`, `outcome`, `note`, `message`, `activity`.
    pub topics: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<FollowView> for FollowerOut {
    fn from(v: FollowView) -> Self {
        let f = v.follower;
        FollowerOut {
            id: f.id,
            record_type: f.record_type,
            record_id: f.record_id,
            user_id: f.user_id,
            user_name: v.user_name,
            topics: f
                .topics
                .split(',')
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect(),
            created_at: f.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowerList {
    pub items: Vec<FollowerOut>,
    pub total: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FollowIn {
    /// `lead`, `contact` or `team`.
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    /// Someone else (managers and admins); yourself by default.
    pub user_id: Option<i64>,
    /// What to hear about; everything by default.
    pub topics: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct FollowerQuery {
    /// `lead`, `contact` or `team`.
    pub record_type: String,
    pub record_id: i64,
    /// For `DELETE`: someone else (managers); yourself by default.
    pub user_id: Option<i64>,
}

fn record_of(q: &QueryPairs) -> ApiResult<(String, i64)> {
    let rt = q
        .text("record_type")
        .ok_or_else(|| ApiError::bad_request("record_type", "required: lead, contact or team"))?;
    let id = q
        .number("record_id")?
        .ok_or_else(|| ApiError::bad_request("record_id", "required"))?;
    Ok((rt, id))
}

/// A record's followers.
#[utoipa::path(get, path = "/api/v1/followers", tag = "followers", params(FollowerQuery),
    responses((status = 200, description = "OK", body = FollowerList), (status = 400, description = "Malformed query (problem+json)", body = Problem),
              (status = 422, description = "`record_type` is not lead, contact or team (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<FollowerList>> {
    let q = QueryPairs::parse(query.as_deref())?;
    let (rt, id) = record_of(&q)?;
    let items = state.app.list_followers(auth.actor(), &rt, id).await?;
    Ok(Json(FollowerList {
        total: items.len() as i64,
        items: items.into_iter().map(FollowerOut::from).collect(),
    }))
}

/// Follow a record (or every record of a team); following again changes the topics.
#[utoipa::path(post, path = "/api/v1/followers", tag = "followers", request_body = FollowIn,
    responses((status = 201, description = "Following", body = FollowerOut), (status = 200, description = "Already following: the topics changed", body = FollowerOut),
              (status = 403, description = "Following for someone else needs a manager (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn follow(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<FollowIn>,
) -> ApiResult<Response> {
    let rt = b
        .record_type
        .ok_or_else(|| ApiError::unprocessable("record_type", "required: lead, contact or team"))?;
    let id = b
        .record_id
        .ok_or_else(|| ApiError::unprocessable("record_id", "required"))?;
    let who = b.user_id.unwrap_or(auth.actor().user_id);
    let existed = state
        .app
        .list_followers(auth.actor(), &rt, id)
        .await
        .map(|fs| fs.iter().any(|f| f.follower.user_id == who))
        .unwrap_or(false);
    let f = state
        .app
        .follow(auth.actor(), &rt, id, b.user_id, b.topics.as_deref())
        .await?;
    let name = state.app.user_view(f.user_id).await?.name;
    let out = FollowerOut::from(FollowView {
        follower: f,
        user_name: name,
    });
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(out)).into_response())
}

/// Stop following (yourself, or — managers — `user_id`).
#[utoipa::path(delete, path = "/api/v1/followers", tag = "followers", params(FollowerQuery),
    responses((status = 204, description = "No longer following"), (status = 400, description = "Malformed query (problem+json)", body = Problem),
              (status = 403, description = "Someone else's following, and you are not a manager (problem+json)", body = Problem),
              (status = 422, description = "`record_type` is not lead, contact or team (problem+json)", body = Problem),
              (status = 404, description = "Not following, or no such record (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn unfollow(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<StatusCode> {
    let q = QueryPairs::parse(query.as_deref())?;
    let (rt, id) = record_of(&q)?;
    state
        .app
        .unfollow(auth.actor(), &rt, id, q.number("user_id")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: i64,
    /// `stage`, `outcome`, `note`, `message`, `activity`, `mention`, `assigned`, `reminder`.
    pub kind: String,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub record_name: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// The stage name, the outcome, a note's excerpt, an e-mail's subject …
    pub detail: Option<String>,
    /// One line in your language.
    pub text: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub fn notification_out(n: Notification, lang: &str) -> NotificationOut {
    let text = describe(I18n::shared(), lang, &n);
    NotificationOut {
        id: n.id,
        kind: n.kind,
        record_type: n.record_type,
        record_id: n.record_id,
        record_name: n.record_name,
        actor_id: n.actor_id,
        actor_name: n.actor_name,
        detail: n.detail,
        text,
        read: n.read_at.is_some(),
        created_at: n.created_at,
        read_at: n.read_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationOut>,
    /// Items on this page.
    pub total: i64,
    pub unread_count: i64,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct NotificationQuery {
    /// `true`: only unread ones.
    pub unread: Option<bool>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Your notifications, newest first, with the unread count (the bell).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "followers", params(NotificationQuery),
    responses((status = 200, description = "OK", body = NotificationList), (status = 400, description = "Malformed query (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn notifications(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<NotificationList>> {
    let q = QueryPairs::parse(query.as_deref())?;
    let unread = match q.text("unread").as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(ApiError::bad_request("unread", "true or false")),
    };
    let limit = q.number("limit")?;
    let before = q.number("cursor")?;
    let actor = auth.actor();
    let items = state
        .app
        .list_notifications(actor, unread, before, limit)
        .await?;
    let page = limit.unwrap_or(sen_domain::list::DEFAULT_LIMIT);
    let next_cursor = (items.len() as i64 == page)
        .then(|| items.last().map(|n| n.id.to_string()))
        .flatten();
    Ok(Json(NotificationList {
        total: items.len() as i64,
        unread_count: state.app.unread_notifications(actor).await?,
        items: items
            .into_iter()
            .map(|n| notification_out(n, &actor.language))
            .collect(),
        next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadOut {
    /// How many were marked read now.
    pub marked: u64,
    pub unread_count: i64,
}

/// Mark one notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "followers", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ReadOut), (status = 404, description = "Not one of your notifications (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn read_one(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<ReadOut>> {
    let marked = state
        .app
        .mark_notifications_read(auth.actor(), Some(id))
        .await?;
    Ok(Json(ReadOut {
        marked,
        unread_count: state.app.unread_notifications(auth.actor()).await?,
    }))
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "followers",
    responses((status = 200, description = "OK", body = ReadOut), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn read_all(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<ReadOut>> {
    let marked = state
        .app
        .mark_notifications_read(auth.actor(), None)
        .await?;
    Ok(Json(ReadOut {
        marked,
        unread_count: 0,
    }))
}
