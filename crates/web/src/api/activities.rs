//! Activities: `/api/v1/activities` (schedule, read, change, cancel) and
//! `POST /api/v1/activities/{id}/done` (feedback, and the next activity if wanted).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use sen_app::activities::{ActivityInput, ActivityPatch, ActivityQuery, state_of};
use sen_domain::activity::{RecordType, State as ActivityState};
use sen_store::activities::Activity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Auth, IdPath, JsonBody, Patch};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: i64,
    /// `lead` (leads and opportunities) or `contact`.
    pub record_type: String,
    pub record_id: i64,
    pub activity_type_id: i64,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub due_date: NaiveDate,
    /// The assignee; states follow their time zone.
    pub user_id: i64,
    /// `overdue`, `today`, `planned` or `done`.
    pub state: String,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<i64>,
    pub feedback: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        let state = state_of(&a).as_str().to_string();
        ActivityOut {
            id: a.id,
            record_type: a.record_type,
            record_id: a.record_id,
            activity_type_id: a.activity_type_id,
            summary: a.summary,
            note: a.note,
            due_date: a.due_date,
            user_id: a.user_id,
            state,
            done_at: a.done_at,
            done_by: a.done_by,
            feedback: a.feedback,
            version: a.version,
            created_at: a.created_at,
            created_by: a.created_by,
            updated_at: a.updated_at,
            updated_by: a.updated_by,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityList {
    pub items: Vec<ActivityOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// An activity to schedule; `summary`, `note`, `due_date` and `user_id` default from the
/// type (its default delay, assignee and texts) and then to you.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NextActivityIn {
    pub activity_type_id: Option<i64>,
    pub summary: Option<String>,
    pub note: Option<String>,
    /// `YYYY-MM-DD`, in the assignee's calendar.
    pub due_date: Option<NaiveDate>,
    pub user_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ActivityIn {
    /// `lead` or `contact`.
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub activity_type_id: Option<i64>,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub user_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ActivityPatchIn {
    pub version: Option<i64>,
    pub activity_type_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub summary: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub note: Patch<String>,
    pub due_date: Option<NaiveDate>,
    pub user_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DoneIn {
    /// What happened, posted to the record's timeline.
    pub feedback: Option<String>,
    /// Schedule this next (on the same record).
    pub next: Option<NextActivityIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoneOut {
    pub activity: ActivityOut,
    /// The next activity scheduled (given in the request, or triggered by the type).
    pub next: Option<ActivityOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct ActivityFilter {
    /// Someone's activities (yours by default; others' for managers).
    pub user_id: Option<i64>,
    /// With `record_id`: the activities of one record (`lead` or `contact`).
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    /// `overdue`, `today`, `planned` or `done`.
    pub state: Option<String>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

fn record_type(v: Option<&str>, field: &str) -> ApiResult<RecordType> {
    v.and_then(RecordType::parse)
        .ok_or_else(|| ApiError::unprocessable(field, "one of: lead, contact"))
}

fn required<T>(v: Option<T>, field: &str) -> ApiResult<T> {
    v.ok_or_else(|| ApiError::unprocessable(field, "required"))
}

/// Activities: yours by default; a record's with `record_type` and `record_id`; by state.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", params(ActivityFilter),
    responses((status = 200, description = "OK", body = ActivityList), (status = 400, description = "Malformed query (problem+json)", body = Problem),
              (status = 403, description = "Someone else's activities, for a salesperson (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<ActivityList>> {
    let q = super::query::QueryPairs::parse(query.as_deref())?;
    let record = match (q.text("record_type"), q.number("record_id")?) {
        (None, None) => None,
        (Some(t), Some(id)) => Some((
            RecordType::parse(&t)
                .ok_or_else(|| ApiError::bad_request("record_type", "one of: lead, contact"))?,
            id,
        )),
        (Some(_), None) => {
            return Err(ApiError::bad_request(
                "record_id",
                "give it with record_type",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "record_type",
                "give it with record_id",
            ));
        }
    };
    let state_filter = match q.text("state") {
        None => None,
        Some(s) => Some(ActivityState::parse(&s).ok_or_else(|| {
            ApiError::bad_request("state", "one of: overdue, today, planned, done")
        })?),
    };
    let q = ActivityQuery {
        user_id: q.number("user_id")?,
        record,
        state: state_filter,
        limit: q.number("limit")?,
    };
    let items: Vec<ActivityOut> = state
        .app
        .list_activities(auth.actor(), &q)
        .await?
        .into_iter()
        .map(ActivityOut::from)
        .collect();
    let total = items.len() as i64;
    Ok(Json(ActivityList {
        items,
        next_cursor: None,
        total,
    }))
}

fn input_of(n: NextActivityIn) -> ApiResult<ActivityInput> {
    Ok(ActivityInput {
        activity_type_id: required(n.activity_type_id, "activity_type_id")?,
        summary: n.summary,
        note: n.note,
        due_date: n.due_date,
        user_id: n.user_id,
    })
}

/// Schedule an activity on a lead, an opportunity or a contact.
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = ActivityIn,
    responses((status = 201, description = "Created", body = ActivityOut), (status = 401, description = "Not signed in (problem+json)", body = Problem),
              (status = 403, description = "You may not change this record (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<ActivityIn>,
) -> ApiResult<Response> {
    let rt = record_type(b.record_type.as_deref(), "record_type")?;
    let record_id = required(b.record_id, "record_id")?;
    let input = input_of(NextActivityIn {
        activity_type_id: b.activity_type_id,
        summary: b.summary,
        note: b.note,
        due_date: b.due_date,
        user_id: b.user_id,
    })?;
    let a = state
        .app
        .schedule_activity(auth.actor(), rt, record_id, input)
        .await?;
    let location = format!("/api/v1/activities/{}", a.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ActivityOut::from(a)),
    )
        .into_response())
}

/// One activity.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ActivityOut), (status = 404, description = "No such activity, or on a record you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<ActivityOut>> {
    Ok(Json(state.app.get_activity(auth.actor(), id).await?.into()))
}

/// Change an open activity (`version` required).
#[utoipa::path(patch, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)), request_body = ActivityPatchIn,
    responses((status = 200, description = "OK", body = ActivityOut), (status = 404, description = "No such activity (problem+json)", body = Problem),
              (status = 403, description = "Not yours and not your record (problem+json)", body = Problem),
              (status = 409, description = "Changed meanwhile, or already done (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<ActivityPatchIn>,
) -> ApiResult<Json<ActivityOut>> {
    let version = required(b.version, "version")?;
    let patch = ActivityPatch {
        activity_type_id: b.activity_type_id,
        summary: b.summary.into_change(),
        note: b.note.into_change(),
        due_date: b.due_date,
        user_id: b.user_id,
    };
    let a = state
        .app
        .update_activity(auth.actor(), id, version, patch)
        .await?;
    Ok(Json(a.into()))
}

/// Cancel an open activity.
#[utoipa::path(delete, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 204, description = "Cancelled"), (status = 404, description = "No such activity (problem+json)", body = Problem),
              (status = 403, description = "Not yours and not your record (problem+json)", body = Problem),
              (status = 409, description = "Already done (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.cancel_activity(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark an activity done, with feedback for the timeline, and schedule the next one.
#[utoipa::path(post, path = "/api/v1/activities/{id}/done", tag = "activities", params(("id" = i64, Path)), request_body = DoneIn,
    responses((status = 200, description = "Done", body = DoneOut), (status = 404, description = "No such activity (problem+json)", body = Problem),
              (status = 403, description = "Not yours and not your record (problem+json)", body = Problem),
              (status = 409, description = "Already done (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (`next.due_date`…) (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn done(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<DoneIn>,
) -> ApiResult<Json<DoneOut>> {
    let next = match b.next {
        Some(n) => Some(input_of(n).map_err(|e| e.prefixed("next"))?),
        None => None,
    };
    let (a, next) = state
        .app
        .finish_activity(auth.actor(), id, b.feedback, next)
        .await?;
    Ok(Json(DoneOut {
        activity: a.into(),
        next: next.map(ActivityOut::from),
    }))
}
