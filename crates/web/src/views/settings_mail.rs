//! Settings → E-mail (admins): whether an SMTP server is configured, every mail with its
//! state (sent, queued, waiting in the outbox, failed with the server's reason), and the
//! background jobs that failed, each with a "retry".

use askama::Template;
use axum::extract::State;
use axum::response::Response;
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
    mails: Vec<MailRow>,
    failed_jobs: Vec<JobRow>,
}

async fn page_of(state: &AppState, ctx: &PageCtx, actor: &Actor) -> Response {
    let tr = ctx.tr();
    let mails = match state.app.list_mails(actor, None).await {
        Ok(m) => m,
        Err(e) => return error_page(ctx, e),
    };
    let jobs = match state.app.list_jobs(actor, Some("failed")).await {
        Ok(j) => j,
        Err(e) => return error_page(ctx, e),
    };
    let config = state.app.mail_config();
    let smtp = match &config.smtp {
        Some(s) => tr.t1(
            "mail-smtp-configured",
            "server",
            &format!("{}:{}", s.host, s.port),
        ),
        None => tr.t("mail-smtp-none"),
    };
    let tz = actor.time_zone.clone();
    render(&MailPage {
        shell: ctx.shell("settings", tr.t("settings-mail")),
        tabs: tabs(ctx, actor, "mail"),
        smtp,
        from: config.from.clone(),
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
