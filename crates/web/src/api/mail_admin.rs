//! For admins: the mail log and outbox (`GET /api/v1/mails`) and the job queue
//! (`GET /api/v1/jobs`, `POST /api/v1/jobs/{id}/retry`).

use axum::Json;
use axum::extract::{RawQuery, State};
use chrono::{DateTime, Utc};
use sen_store::jobs::Job;
use sen_store::mails::Mail;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Auth, IdPath};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MailOut {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub message_id: String,
    /// `queued`, `sent`, `outbox` (no SMTP server configured) or `failed`.
    pub state: String,
    /// The last error (the SMTP server's answer).
    pub error: Option<String>,
    pub attempts: i64,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<Mail> for MailOut {
    fn from(m: Mail) -> Self {
        MailOut {
            id: m.id,
            to: m.to_addrs,
            subject: m.subject,
            body_text: m.body_text,
            message_id: m.message_id,
            state: m.state,
            error: m.error,
            attempts: m.attempts,
            record_type: m.record_type,
            record_id: m.record_id,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailList {
    pub items: Vec<MailOut>,
    /// Whether an SMTP server is configured (else mail waits in the outbox).
    pub smtp_configured: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    pub id: i64,
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    pub run_at: DateTime<Utc>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<Job> for JobOut {
    fn from(j: Job) -> Self {
        JobOut {
            id: j.id,
            kind: j.kind,
            state: j.state,
            run_at: j.run_at,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    pub items: Vec<JobOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct StateQuery {
    /// Only those in this state.
    pub state: Option<String>,
}

fn state_param(query: Option<&str>) -> ApiResult<Option<String>> {
    Ok(super::query::QueryPairs::parse(query)?.text("state"))
}

/// The last 200 mails (admins): sent, queued, waiting in the outbox, failed with reason.
#[utoipa::path(get, path = "/api/v1/mails", tag = "admin", params(StateQuery),
    responses((status = 200, description = "OK", body = MailList), (status = 403, description = "Admins only (problem+json)", body = Problem),
              (status = 422, description = "Unknown state (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn mails(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<MailList>> {
    let s = state_param(query.as_deref())?;
    let items = state.app.list_mails(auth.actor(), s.as_deref()).await?;
    Ok(Json(MailList {
        items: items.into_iter().map(MailOut::from).collect(),
        smtp_configured: state.app.effective_mail().await?.smtp.is_some(),
    }))
}

/// The last 200 background jobs (admins), e.g. `?state=failed` with their errors.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "admin", params(StateQuery),
    responses((status = 200, description = "OK", body = JobList), (status = 403, description = "Admins only (problem+json)", body = Problem),
              (status = 422, description = "Unknown state (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn jobs(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<JobList>> {
    let s = state_param(query.as_deref())?;
    let items = state.app.list_jobs(auth.actor(), s.as_deref()).await?;
    Ok(Json(JobList {
        items: items.into_iter().map(JobOut::from).collect(),
    }))
}

/// Put a failed job back in the queue (admins).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, description = "Queued again", body = JobOut), (status = 403, description = "Admins only (problem+json)", body = Problem),
              (status = 404, description = "No such job (problem+json)", body = Problem),
              (status = 409, description = "The job has not failed (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn retry(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<JobOut>> {
    Ok(Json(state.app.retry_job(auth.actor(), id).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailSettingsOut {
    /// Where the server in force comes from: `environment` (SEN_SMTP_URL, which wins),
    /// `settings` (saved here) or `none` (mail waits in the outbox).
    pub source: String,
    /// The saved SMTP URL, its password shown as `****`.
    pub smtp_url: Option<String>,
    /// The saved sender.
    pub mail_from: Option<String>,
    /// The sender in force.
    pub sender: String,
    /// host:port of the server in force.
    pub server: Option<String>,
}

impl From<sen_app::mail::MailSettingsView> for MailSettingsOut {
    fn from(v: sen_app::mail::MailSettingsView) -> Self {
        MailSettingsOut {
            source: v.source.into(),
            smtp_url: v.smtp_url,
            mail_from: v.mail_from,
            sender: v.effective_from,
            server: v.server,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MailSettingsIn {
    /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465`; empty or
    /// null for none. A password of `****` keeps the saved one.
    pub smtp_url: Option<String>,
    /// e.g. `Sen CRM <crm@example.com>`.
    pub mail_from: Option<String>,
}

/// The outgoing mail settings (admins).
#[utoipa::path(get, path = "/api/v1/settings/mail", tag = "admin",
    responses((status = 200, description = "OK", body = MailSettingsOut), (status = 403, description = "Admins only (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn settings(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<MailSettingsOut>> {
    Ok(Json(state.app.mail_settings(auth.actor()).await?.into()))
}

/// Save the SMTP server and sender (admins); mail waiting in the outbox is then sent.
#[utoipa::path(put, path = "/api/v1/settings/mail", tag = "admin", request_body = MailSettingsIn,
    responses((status = 200, description = "Saved", body = MailSettingsOut), (status = 403, description = "Admins only (problem+json)", body = Problem),
              (status = 422, description = "Not an SMTP URL, or not an address (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn save_settings(
    State(state): State<AppState>,
    auth: Auth,
    crate::extract::JsonBody(b): crate::extract::JsonBody<MailSettingsIn>,
) -> ApiResult<Json<MailSettingsOut>> {
    Ok(Json(
        state
            .app
            .set_mail_settings(auth.actor(), b.smtp_url, b.mail_from)
            .await?
            .into(),
    ))
}

/// The whole workspace as one portable file (admins): every table as JSON Lines, the file
/// `sen import-workspace` and `sen restore` read (docs/reliability.md).
#[utoipa::path(get, path = "/api/v1/workspace/export", tag = "admin",
    responses((status = 200, description = "The workspace file (`application/x-ndjson`, an attachment)", body = String, content_type = "application/x-ndjson"),
              (status = 403, description = "Admins only (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn export_workspace(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<axum::response::Response> {
    let file = state.app.export_workspace(auth.actor()).await?;
    crate::download::exported_workspace(file)
        .await
        .map_err(|_| crate::problem::ApiError::internal())
}
