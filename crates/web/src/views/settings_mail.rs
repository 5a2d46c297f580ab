//! Settings → E-mail (admins): whether an SMTP server is configured, every mail with its
//! state (sent, queued, waiting in the outbox, failed with the server's reason), and the
//! background jobs that failed, each with a "retry".

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use sen_app::Actor;

use super::display::format_time;
use super::page::{PageCtx, PageId, Shell, Signed, error_page, go, render};
use super::settings::tabs;
use crate::state::AppState;

pub struct MailRow {
    pub to: String,
    pub subject: String,
    pub state: String,
    pub state_label: String,
    pub error: String,
    pub when: String,
}

pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub attempts: String,
    pub error: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "settings/mail.html")]
struct MailPage {
    shell: Shell,
    tabs: Vec<(String, String, bool)>,
    smtp: String,
    from: String,
    smtp_url: String,
    mail_from: String,
    from_env: bool,
    errors: Vec<String>,
    notice: String,
    mails: Vec<MailRow>,
    failed_jobs: Vec<JobRow>,
}

async fn page_of(state: &AppState, ctx: &PageCtx, actor: &Actor) -> Response {
    page_with(state, ctx, actor, Vec::new(), String::new(), None).await
}

async fn page_with(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    errors: Vec<String>,
    notice: String,
    typed: Option<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let mails = match state.app.list_mails(actor, None).await {
        Ok(m) => m,
        Err(e) => return error_page(ctx, e),
    };
    let jobs = match state.app.list_jobs(actor, Some("failed")).await {
        Ok(j) => j,
        Err(e) => return error_page(ctx, e),
    };
    let settings = match state.app.mail_settings(actor).await {
        Ok(s) => s,
        Err(e) => return error_page(ctx, e),
    };
    let smtp = match &settings.server {
        Some(server) => tr.t1("mail-smtp-configured", "server", server),
        None => tr.t("mail-smtp-none"),
    };
    let (smtp_url, mail_from) = typed.unwrap_or((
        settings.smtp_url.clone().unwrap_or_default(),
        settings.mail_from.clone().unwrap_or_default(),
    ));
    let tz = actor.time_zone.clone();
    render(&MailPage {
        shell: ctx.shell("settings", tr.t("settings-mail")),
        tabs: tabs(ctx, actor, "mail"),
        smtp,
        from: settings.effective_from.clone(),
        smtp_url,
        mail_from,
        from_env: settings.source == "environment",
        errors,
        notice,
        mails: mails
            .into_iter()
            .map(|m| MailRow {
                to: m.to_addrs,
                subject: m.subject,
                state_label: tr.t(&format!("mail-state-{}", m.state)),
                state: m.state,
                error: m.error.unwrap_or_default(),
                when: format_time(m.sent_at.unwrap_or(m.created_at), &tz, ctx.lang),
            })
            .collect(),
        failed_jobs: jobs
            .into_iter()
            .map(|j| JobRow {
                id: j.id,
                kind: j.kind,
                attempts: format!("{}/{}", j.attempts, j.max_attempts),
                error: j.last_error.unwrap_or_default(),
                when: format_time(j.finished_at.unwrap_or(j.run_at), &tz, ctx.lang),
            })
            .collect(),
    })
}

/// `GET /settings/mail`.
pub async fn page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    page_of(&state, &ctx, &actor).await
}

/// `POST /settings/mail/jobs/{id}/retry`.
pub async fn retry_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    match state.app.retry_job(&actor, id).await {
        Ok(_) => go(&ctx, "/settings/mail"),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /settings/mail`: save the SMTP server and sender.
pub async fn save_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: axum::body::Bytes,
) -> Response {
    let f = super::forms::FormData::parse(&body);
    let (url, from) = (f.get("smtp_url"), f.get("mail_from"));
    let tr = ctx.tr();
    match state
        .app
        .set_mail_settings(&actor, url.clone(), from.clone())
        .await
    {
        Ok(_) => {
            page_with(
                &state,
                &ctx,
                &actor,
                Vec::new(),
                tr.t("mail-settings-saved"),
                None,
            )
            .await
        }
        Err(sen_app::AppError::Invalid(e)) => {
            let errors =
                e.0.iter()
                    .flat_map(|(field, whys)| {
                        whys.iter().map(move |w| {
                            format!(
                                "{}: {}",
                                tr.t(&format!("mail-field-{}", field.replace('_', "-"))),
                                tr.i18n.invalid(tr.lang, w)
                            )
                        })
                    })
                    .collect();
            let page = page_with(
                &state,
                &ctx,
                &actor,
                errors,
                String::new(),
                Some((url.unwrap_or_default(), from.unwrap_or_default())),
            )
            .await;
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /settings/mail/test`: a test mail to the admin.
pub async fn test_submit(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    let tr = ctx.tr();
    match state
        .app
        .send_test_mail(&actor, &tr.t("mail-test-subject"), &tr.t("mail-test-body"))
        .await
    {
        Ok(_) => {
            page_with(
                &state,
                &ctx,
                &actor,
                Vec::new(),
                tr.t("mail-test-queued"),
                None,
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}
