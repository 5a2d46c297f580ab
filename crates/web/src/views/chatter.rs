//! The conversation beside a record (lead, opportunity or contact): follow / unfollow with
//! chosen topics, the note composer (rich text, `@mentions`), sending an e-mail to the
//! customer, and the timeline of changes and posts.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use sen_app::notes::EmailInput;
use sen_app::{Actor, AppError};
use sen_domain::activity::RecordType;
use sen_domain::notify::Topic;

use super::forms::FormData;
use super::page::{PageCtx, Signed, error_page, go};
use crate::i18n::Tr;
use crate::state::AppState;

/// One line of the timeline: what happened, who and when, and a post's text.
pub struct TimelineRow {
    pub what: String,
    pub when: String,
    pub body: String,
    /// `body` is sanitised HTML (notes, e-mails), else plain text.
    pub html: bool,
    /// `change`, `note`, `email` or `activity`.
    pub kind: String,
}

/// A timeline line before its "who, when" is worded.
pub struct Parts {
    pub what: String,
    pub by: Option<i64>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub body: String,
    pub kind: String,
}

/// A post (note, e-mail, done activity, meeting) as a timeline line; changes are worded by
/// each record's page (`None` for them).
pub fn post_parts(
    tr: Tr<'_>,
    names: &super::activities::Names,
    tz: &str,
    item: &sen_app::timeline::TimelineItem,
) -> Option<Parts> {
    use sen_app::timeline::TimelineItem;
    match item {
        TimelineItem::Change(_) => None,
        TimelineItem::Message(m) => Some(Parts {
            what: names.post_text(tr, m),
            by: m.author_id,
            at: m.created_at,
            body: m.body.clone().unwrap_or_default(),
            kind: m.kind.clone(),
        }),
        TimelineItem::Meeting(m) => Some(Parts {
            what: tr.t1("timeline-meeting", "name", &m.name),
            by: m.created_by,
            at: m.created_at,
            body: format!(
                "{}{}",
                super::display::format_time(m.start_at, tz, tr.lang),
                m.location
                    .as_deref()
                    .map(|l| format!(" · {l}"))
                    .unwrap_or_default()
            ),
            kind: "meeting".into(),
        }),
    }
}

/// Whether a line's body is sanitised HTML (notes and e-mails) rather than plain text.
pub fn is_html(kind: &str) -> bool {
    kind == "note" || kind == "email"
}

#[derive(Template)]
#[template(path = "chatter/panel.html")]
struct Panel {
    tr: Tr<'static>,
    csrf: String,
    record_type: &'static str,
    id: i64,
    following: bool,
    /// (topic, label, chosen)
    topics: Vec<(&'static str, String, bool)>,
    followers: Vec<String>,
    can_email: bool,
    email_to: String,
    mention_names: String,
    /// (id, file name, size as read)
    attachments: Vec<(i64, String, String)>,
    rows: Vec<TimelineRow>,
}

impl Panel {
    fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }
    fn n(&self, id: &str, count: usize) -> String {
        self.tr.n(id, count as i64)
    }
}

/// The record a panel is about.
pub struct About {
    pub record_type: RecordType,
    pub id: i64,
    /// The customer's address, offered as the e-mail's recipient.
    pub email_to: Option<String>,
    /// The reader may change the record (and so e-mail from it).
    pub can_edit: bool,
}

/// The rendered panel, to place in a record page.
pub async fn panel(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    about: About,
    rows: Vec<TimelineRow>,
) -> String {
    let About {
        record_type,
        id,
        email_to,
        can_edit,
    } = about;
    let tr = ctx.tr();
    let mine = state
        .app
        .my_follow(actor, record_type, id)
        .await
        .ok()
        .flatten();
    let followers = state
        .app
        .list_followers(actor, record_type.as_str(), id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.user_name)
        .collect();
    let topics = Topic::ALL
        .iter()
        .map(|t| {
            (
                t.as_str(),
                tr.t(&format!("topic-{}", t.as_str())),
                mine.as_ref()
                    .is_none_or(|f| sen_domain::notify::hears(&f.topics, *t)),
            )
        })
        .collect();
    let mention_names = state
        .app
        .user_names()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(_, n)| n)
        .collect::<Vec<_>>()
        .join("\n");
    let attachments = state
        .app
        .list_attachments(actor, record_type, id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.id, a.file_name, size_text(a.size)))
        .collect();
    let p = Panel {
        tr,
        csrf: ctx
            .auth
            .as_ref()
            .and_then(|a| a.session.as_ref())
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default(),
        record_type: record_type.as_str(),
        id,
        following: mine.is_some(),
        topics,
        followers,
        can_email: can_edit,
        email_to: email_to.unwrap_or_default(),
        mention_names,
        attachments,
        rows,
    };
    p.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "chatter template failed");
        String::new()
    })
}

fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// The record a chatter route names (`/records/{type}/{id}/…`); anything else is the
/// "not found" page.
pub struct RecordPath(RecordType, i64);

impl axum::extract::FromRequestParts<AppState> for RecordPath {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let raw = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .ok();
        match raw.and_then(|Path((kind, id))| Some((RecordType::parse(&kind)?, id.parse().ok()?))) {
            Some((rt, id)) => Ok(RecordPath(rt, id)),
            None => {
                let ctx = PageCtx::from_request_parts(parts, state).await?;
                Err(error_page(&ctx, AppError::NotFound))
            }
        }
    }
}

pub fn record_url(rt: RecordType, id: i64) -> String {
    match rt {
        RecordType::Lead => format!("/leads/{id}"),
        RecordType::Contact => format!("/contacts/{id}"),
    }
}

#[derive(Template)]
#[template(
    source = "<ul class=\"form-errors\" role=\"alert\">{% for e in items %}<li>{{ e }}</li>{% endfor %}</ul>",
    ext = "html"
)]
struct Refused {
    items: Vec<String>,
}

/// A refused post: the reasons, in place under the composer (htmx), or as a page.
fn refused(ctx: &PageCtx, e: AppError) -> Response {
    match e {
        AppError::Invalid(fields) if ctx.is_htmx => {
            let tr = ctx.tr();
            let items = fields
                .0
                .iter()
                .flat_map(|(field, whys)| {
                    whys.iter().map(move |why| {
                        format!(
                            "{}: {}",
                            tr.t(&format!("composer-field-{field}")),
                            tr.i18n.invalid(tr.lang, why)
                        )
                    })
                })
                .collect();
            super::page::render(&Refused { items })
        }
        other => error_page(ctx, other),
    }
}

/// `POST /records/{type}/{id}/notes`.
pub async fn note_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    RecordPath(rt, id): RecordPath,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    match state
        .app
        .post_note(&actor, rt, id, form.get("body").as_deref())
        .await
    {
        Ok(_) => go(&ctx, &record_url(rt, id)),
        Err(e) => refused(&ctx, e),
    }
}

/// `POST /records/{type}/{id}/email`.
pub async fn email_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    RecordPath(rt, id): RecordPath,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let to = form.get("to").map(|t| {
        t.split([',', ';'])
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect()
    });
    let input = EmailInput {
        to,
        subject: form.get("subject"),
        body: form.get("body"),
    };
    match state.app.send_record_email(&actor, rt, id, input).await {
        Ok(_) => go(&ctx, &record_url(rt, id)),
        Err(e) => refused(&ctx, e),
    }
}

/// `POST /records/{type}/{id}/follow`: `follow=1` (with `topic` values) or `follow=0`.
pub async fn follow_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    RecordPath(rt, id): RecordPath,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let result = if form.get("follow").as_deref() == Some("0") {
        state.app.unfollow(&actor, rt.as_str(), id, None).await
    } else {
        let topics = form.all("topic");
        let chosen = (!topics.is_empty() || form.get("topics_sent").is_some()).then_some(topics);
        state
            .app
            .follow(&actor, rt.as_str(), id, None, chosen.as_deref())
            .await
            .map(drop)
    };
    match result {
        Ok(()) | Err(AppError::NotFound) => go(&ctx, &record_url(rt, id)),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /records/{type}/{id}/attachments` (multipart `file`).
pub async fn attach_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    RecordPath(rt, id): RecordPath,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    let upload = match crate::api::attachments::read_upload(
        &headers,
        None,
        body,
        sen_domain::attachment::MAX_BYTES,
    )
    .await
    {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    match state.app.attach(&actor, rt, id, upload).await {
        Ok(_) => go(&ctx, &record_url(rt, id)),
        Err(e) => refused(&ctx, e),
    }
}

/// `POST /records/{type}/{id}/call`: a call that already happened, logged as done.
pub async fn call_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    RecordPath(rt, id): RecordPath,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    match state
        .app
        .log_call(&actor, rt, id, form.get("summary"), form.get("feedback"))
        .await
    {
        Ok(_) => go(&ctx, &record_url(rt, id)),
        Err(e) => refused(&ctx, e),
    }
}
