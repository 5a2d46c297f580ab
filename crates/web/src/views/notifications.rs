//! The bell: the unread count in the top bar (refreshed every few seconds) and the
//! notifications page, where each one opens its record and is marked read.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use sen_app::notify::describe;

use super::display::format_time;
use super::forms::FormData;
use super::page::{PageCtx, PageId, Shell, Signed, error_page, go, render};
use crate::i18n::{I18n, Tr};
use crate::state::AppState;

pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub text: String,
    pub when: String,
    pub unread: bool,
    pub has_record: bool,
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<NotificationRow>,
    unread: i64,
}

#[derive(Template)]
#[template(path = "notifications/bell.html")]
pub struct Bell {
    pub tr: Tr<'static>,
    pub unread: i64,
}

impl Bell {
    fn label(&self) -> String {
        self.tr.n("bell-label", self.unread)
    }
}

/// The bell for the top bar, rendered.
pub fn bell_html(ctx: &PageCtx, unread: i64) -> String {
    Bell {
        tr: ctx.tr(),
        unread,
    }
    .render()
    .unwrap_or_default()
}

/// `GET /notifications/bell`: the bell alone (htmx polls it).
pub async fn bell(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    let unread = state.app.unread_notifications(&actor).await.unwrap_or(0);
    render(&Bell {
        tr: ctx.tr(),
        unread,
    })
}

/// `GET /notifications`.
pub async fn list_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    let items = match state
        .app
        .list_notifications(&actor, false, None, Some(100))
        .await
    {
        Ok(i) => i,
        Err(e) => return error_page(&ctx, e),
    };
    let rows = items
        .into_iter()
        .map(|n| NotificationRow {
            id: n.id,
            text: describe(I18n::shared(), ctx.lang, &n),
            when: format_time(n.created_at, &actor.time_zone, ctx.lang),
            unread: n.read_at.is_none(),
            has_record: n.record_id.is_some(),
            kind: n.kind,
        })
        .collect();
    let unread = state.app.unread_notifications(&actor).await.unwrap_or(0);
    let tr = ctx.tr();
    render(&ListPage {
        shell: ctx.shell("notifications", tr.t("notifications-title")),
        rows,
        unread,
    })
}

/// `POST /notifications/read-all`.
pub async fn read_all_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
) -> Response {
    match state.app.mark_notifications_read(&actor, None).await {
        Ok(_) => go(&ctx, "/notifications"),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /notifications/{id}/open`: marks it read and goes to its record.
pub async fn open_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let _ = FormData::parse(&body);
    let n = match state.app.get_notification(&actor, id).await {
        Ok(n) => n,
        Err(e) => return error_page(&ctx, e),
    };
    if let Err(e) = state.app.mark_notifications_read(&actor, Some(id)).await {
        return error_page(&ctx, e);
    }
    let url = match (n.record_type.as_deref(), n.record_id) {
        (Some("lead"), Some(r)) => format!("/leads/{r}"),
        (Some("contact"), Some(r)) => format!("/contacts/{r}"),
        (Some("meeting"), Some(_)) => "/calendar".into(),
        _ => "/notifications".into(),
    };
    go(&ctx, &url).into_response()
}
