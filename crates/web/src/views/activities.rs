//! Activity pages: "My activities", the activities of a record (on its page and in the
//! board card's dialog), and the dialogs to schedule, edit and finish one ("done" with
//! feedback, and "done and schedule next").

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use sen_app::activities::{ActivityInput, ActivityPatch, state_of};
use sen_app::{Actor, AppError};
use sen_domain::activity::{RecordType, State as ActivityState};
use sen_domain::errors::{FieldErrors, Invalid};
use sen_store::activities::{Activity, ActivityType};
use serde::Deserialize;

use super::display::format_date;
use super::forms::{FieldView, FormData, attach_errors, local_path_or};
use super::page::{PageCtx, PageId, Shell, Signed, dialog, error_page, go, render, render_form};
use crate::i18n::Tr;
use crate::state::AppState;

/// One activity as a row: what, when, who, and (in "My activities") on which record.
pub struct ActivityRow {
    pub id: i64,
    pub icon: String,
    pub title: String,
    pub type_name: String,
    pub note: String,
    /// `overdue`, `today`, `planned` or `done`.
    pub state: String,
    pub due_text: String,
    pub due_date: String,
    pub user_name: String,
    pub record_url: String,
    pub record_name: String,
}

impl ActivityRow {
    /// The type's icon as a glyph every font here draws.
    pub fn glyph(&self) -> &'static str {
        match self.icon.as_str() {
            "phone" => "☎",
            "mail" => "✉",
            "users" => "☷",
            "upload" => "⇧",
            "clock" => "◷",
            "file" => "▤",
            "flag" => "⚑",
            _ => "✓",
        }
    }
}

/// "Today", "Tomorrow", "2 days overdue", "In 3 days", from the assignee's day.
fn due_text(tr: Tr<'_>, a: &Activity) -> String {
    let now = sen_app::clock::now();
    let offset = (now - a.day_start).num_seconds().div_euclid(86_400);
    match state_of(a) {
        ActivityState::Today => tr.t("activity-due-today"),
        ActivityState::Overdue => tr.n("activity-due-overdue", offset.max(1)),
        ActivityState::Planned if offset >= -1 => tr.t("activity-due-tomorrow"),
        ActivityState::Planned => tr.n("activity-due-in", -offset),
        ActivityState::Done => tr.t("activity-state-done"),
    }
}

/// Names for the rows: types and users, read once.
pub struct Names {
    types: Vec<ActivityType>,
    users: Vec<(i64, String)>,
}

impl Names {
    pub async fn load(state: &AppState) -> Names {
        Names {
            types: state.app.activity_types().await.unwrap_or_default(),
            users: state.app.user_names().await.unwrap_or_default(),
        }
    }

    fn type_of(&self, id: i64) -> Option<&ActivityType> {
        self.types.iter().find(|t| t.id == id)
    }

    fn user(&self, id: i64) -> String {
        self.users
            .iter()
            .find(|(u, _)| *u == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// A timeline post as people read it: "Call done: Call the parents", "Note",
    /// "E-mail to mike@…: Quotation".
    pub fn post_text(&self, tr: Tr<'_>, m: &sen_store::messages::Message) -> String {
        match m.kind.as_str() {
            "note" => return tr.t("timeline-note"),
            "email" => {
                let head = tr.t1(
                    "timeline-email",
                    "to",
                    m.recipients.as_deref().unwrap_or_default(),
                );
                return format!("✉ {head}: {}", m.subject.as_deref().unwrap_or_default());
            }
            _ => {}
        }
        let ty = m
            .activity_type_id
            .and_then(|t| self.type_of(t))
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let head = tr.t1("timeline-activity-done", "type", &ty);
        match m.subject.as_deref().filter(|s| *s != ty) {
            Some(s) => format!("✓ {head}: {s}"),
            None => format!("✓ {head}"),
        }
    }

    pub fn row(&self, ctx: &PageCtx, a: &Activity) -> ActivityRow {
        let ty = self.type_of(a.activity_type_id);
        let type_name = ty.map(|t| t.name.clone()).unwrap_or_default();
        ActivityRow {
            id: a.id,
            icon: ty.map(|t| t.icon.clone()).unwrap_or_else(|| "check".into()),
            title: a.summary.clone().unwrap_or_else(|| type_name.clone()),
            type_name,
            note: a.note.clone().unwrap_or_default(),
            state: state_of(a).as_str().into(),
            due_text: due_text(ctx.tr(), a),
            due_date: format_date(a.due_date, ctx.lang),
            user_name: self.user(a.user_id),
            record_url: record_url(&a.record_type, a.record_id),
            record_name: String::new(),
        }
    }
}

fn record_url(record_type: &str, id: i64) -> String {
    match record_type {
        "contact" => format!("/contacts/{id}"),
        _ => format!("/leads/{id}"),
    }
}

/// The open activities of a record, as rows for its page.
pub async fn record_rows(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    record_type: RecordType,
    id: i64,
) -> Vec<ActivityRow> {
    let names = Names::load(state).await;
    state
        .app
        .record_activities(actor, record_type, id, false)
        .await
        .unwrap_or_default()
        .iter()
        .map(|a| names.row(ctx, a))
        .collect()
}

/// The header htmx sends with the address of the page a request comes from.
const HX_CURRENT_URL: &str = "hx-current-url";

/// The page URL an htmx request came from (its path and query), else `fallback`.
fn came_from(headers: &HeaderMap, fallback: &str) -> String {
    let from = headers
        .get(HX_CURRENT_URL)
        .and_then(|v| v.to_str().ok())
        .and_then(|u| u.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    local_path_or(from, fallback)
}

// ---------------------------------------------------------------- My activities

#[derive(Template)]
#[template(path = "activities/mine.html")]
pub struct MinePage {
    pub shell: Shell,
    pub groups: Vec<(String, String, Vec<ActivityRow>)>,
    pub back: String,
    pub one_click: bool,
}

/// `GET /activities`: the reader's open activities — overdue, today, upcoming.
pub async fn mine_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    let mine = match state.app.my_activities(&actor).await {
        Ok(m) => m,
        Err(e) => return error_page(&ctx, e),
    };
    let names = Names::load(&state).await;
    let tr = ctx.tr();
    let mut groups = Vec::new();
    for (key, list) in [
        ("overdue", &mine.overdue),
        ("today", &mine.today),
        ("planned", &mine.planned),
    ] {
        let mut rows = Vec::new();
        for a in list {
            let mut row = names.row(&ctx, a);
            row.record_name = record_name(&state, &actor, a).await;
            rows.push(row);
        }
        groups.push((
            key.to_string(),
            tr.t(&format!("activity-group-{key}")),
            rows,
        ));
    }
    render(&MinePage {
        shell: ctx.shell("activities", tr.t("nav-activities")),
        groups,
        back: "/activities".into(),
        one_click: true,
    })
}

async fn record_name(state: &AppState, actor: &Actor, a: &Activity) -> String {
    match a.record_type.as_str() {
        "contact" => state
            .app
            .get_contact(actor, a.record_id)
            .await
            .map(|c| c.name)
            .unwrap_or_default(),
        _ => state
            .app
            .get_lead(actor, a.record_id)
            .await
            .map(|l| format!("{} · {}", l.number, l.name))
            .unwrap_or_default(),
    }
}

// ---------------------------------------------------------------- a record's activities

#[derive(Template)]
#[template(path = "activities/record.html")]
pub struct RecordDialog {
    pub shell: Shell,
    pub record_type: String,
    pub record_id: i64,
    pub rows: Vec<ActivityRow>,
    pub back: String,
    pub one_click: bool,
}

/// `GET /leads/{id}/activities`: the card's activity dialog — what is planned, done in a
/// click or with feedback, and a new one scheduled, without opening the record.
pub async fn lead_dialog(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    headers: HeaderMap,
) -> Response {
    let lead = match state.app.get_lead(&actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(&ctx, e),
    };
    let rows = record_rows(&state, &ctx, &actor, RecordType::Lead, id).await;
    let title = ctx.tr().t1("activity-record-title", "name", &lead.name);
    let body = RecordDialog {
        shell: ctx.shell("board", title.clone()),
        record_type: "lead".into(),
        record_id: id,
        rows,
        back: came_from(&headers, &format!("/leads/{id}")),
        one_click: false,
    };
    dialog(&ctx, "board", title, &body)
}

// ---------------------------------------------------------------- schedule and edit

#[derive(Template)]
#[template(path = "activities/form.html")]
pub struct ActivityForm {
    pub shell: Shell,
    /// `/activities` (new) or `/activities/{id}/edit`.
    pub action: String,
    pub record_type: String,
    pub record_id: i64,
    pub version: i64,
    pub fields: Vec<FieldView>,
    pub errors: Vec<String>,
    pub back: String,
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    #[serde(rename = "type")]
    pub type_id: Option<String>,
    pub back: Option<String>,
}

/// The values a form shows.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub type_id: Option<i64>,
    pub summary: String,
    pub due_date: String,
    pub user_id: Option<i64>,
    pub note: String,
}

/// The form's fields; `prefix` names them for the "next" part of the done dialog.
pub fn draft_fields(
    ctx: &PageCtx,
    names: &Names,
    d: &Draft,
    prefix: &'static str,
) -> Vec<FieldView> {
    let tr = ctx.tr();
    let types = names
        .types
        .iter()
        .filter(|t| t.active || Some(t.id) == d.type_id)
        .map(|t| (t.id.to_string(), t.name.clone(), Some(t.id) == d.type_id))
        .collect();
    let mut users: Vec<(String, String, bool)> = names
        .users
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone(), Some(*id) == d.user_id))
        .collect();
    // An assignee no longer active stays chosen (an edit must not reassign silently).
    if let Some(u) = d
        .user_id
        .filter(|u| !names.users.iter().any(|(id, _)| id == u))
    {
        users.insert(0, (u.to_string(), format!("#{u}"), true));
    }
    let name = |field: &'static str| -> &'static str {
        match (prefix, field) {
            ("next", "activity_type_id") => "next.activity_type_id",
            ("next", "summary") => "next.summary",
            ("next", "due_date") => "next.due_date",
            ("next", "user_id") => "next.user_id",
            ("next", "note") => "next.note",
            (_, f) => f,
        }
    };
    vec![
        FieldView::new(
            name("activity_type_id"),
            tr.t("activity-type"),
            "select",
            "",
        )
        .options(types)
        .required(),
        FieldView::new(
            name("summary"),
            tr.t("activity-summary"),
            "text",
            d.summary.clone(),
        ),
        FieldView::new(
            name("due_date"),
            tr.t("activity-due-date"),
            "date",
            d.due_date.clone(),
        )
        .hint(tr.t("activity-due-date-hint")),
        FieldView::new(name("user_id"), tr.t("activity-assignee"), "select", "").options(users),
        FieldView::new(
            name("note"),
            tr.t("activity-note"),
            "textarea",
            d.note.clone(),
        ),
    ]
}

/// The defaults of a type for a new activity (due date from its delay).
pub fn draft_for(names: &Names, actor: &Actor, type_id: Option<i64>) -> Draft {
    let ty = type_id
        .and_then(|id| names.type_of(id))
        .or_else(|| names.types.iter().find(|t| t.active));
    let Some(ty) = ty else {
        return Draft {
            user_id: Some(actor.user_id),
            ..Default::default()
        };
    };
    let v = sen_app::activity_types::values_of(ty);
    let user = v.default_user_id.unwrap_or(actor.user_id);
    let today = sen_app::clock::today_in(&actor.time_zone);
    Draft {
        type_id: Some(ty.id),
        summary: v.summary.clone().unwrap_or_default(),
        due_date: v.default_due(today, None).to_string(),
        user_id: Some(user),
        note: v.note.clone().unwrap_or_default(),
    }
}

fn draft_of_form(form: &FormData, prefix: &str) -> Draft {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    Draft {
        type_id: form.id(&key("activity_type_id")),
        summary: form.get(&key("summary")).unwrap_or_default(),
        due_date: form.get(&key("due_date")).unwrap_or_default(),
        user_id: form.id(&key("user_id")),
        note: form.get(&key("note")).unwrap_or_default(),
    }
}

/// Reads a form's activity; a due date that is not a date is named, not ignored.
fn input_of(d: &Draft, e: &mut FieldErrors, prefix: &str) -> ActivityInput {
    let field = |f: &str| {
        if prefix.is_empty() {
            f.to_string()
        } else {
            format!("{prefix}.{f}")
        }
    };
    let due_date = match d.due_date.trim() {
        "" => None,
        s => match s.parse::<NaiveDate>() {
            Ok(date) => Some(date),
            Err(_) => {
                e.add(
                    &field("due_date"),
                    Invalid::Type {
                        expected: "date".into(),
                    },
                );
                None
            }
        },
    };
    if d.type_id.is_none() {
        e.add(&field("activity_type_id"), Invalid::Required);
    }
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    ActivityInput {
        activity_type_id: d.type_id.unwrap_or(0),
        summary: text(&d.summary),
        note: text(&d.note),
        due_date,
        user_id: d.user_id,
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_dialog(
    state: &AppState,
    ctx: &PageCtx,
    action: String,
    record: (String, i64),
    version: i64,
    draft: &Draft,
    errors: Option<&FieldErrors>,
    back: String,
) -> Response {
    let names = Names::load(state).await;
    let tr = ctx.tr();
    let mut fields = draft_fields(ctx, &names, draft, "");
    let other = errors
        .map(|e| attach_errors(&mut fields, e, tr))
        .unwrap_or_default();
    let title = if version == 0 {
        tr.t("activity-schedule")
    } else {
        tr.t("activity-edit")
    };
    let body = ActivityForm {
        shell: ctx.shell("activities", title.clone()),
        action,
        record_type: record.0,
        record_id: record.1,
        version,
        fields,
        errors: other,
        back,
    };
    if errors.is_some() {
        return render_form(&body, true);
    }
    dialog(ctx, "activities", title, &body)
}

/// `GET /activities/new?record_type=lead&record_id=…[&type=…]`.
pub async fn new_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Query(q): Query<NewQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(rt) = q.record_type.as_deref().and_then(RecordType::parse) else {
        return error_page(&ctx, AppError::NotFound);
    };
    let Some(id) = q.record_id.as_deref().and_then(|s| s.parse::<i64>().ok()) else {
        return error_page(&ctx, AppError::NotFound);
    };
    let names = Names::load(&state).await;
    let draft = draft_for(
        &names,
        &actor,
        q.type_id.as_deref().and_then(|t| t.parse().ok()),
    );
    let fallback = record_url(rt.as_str(), id);
    let back = match q.back {
        Some(b) => local_path_or(Some(b), &fallback),
        None => came_from(&headers, &fallback),
    };
    form_dialog(
        &state,
        &ctx,
        "/activities".into(),
        (rt.as_str().into(), id),
        0,
        &draft,
        None,
        back,
    )
    .await
}

/// `POST /activities`: schedule.
pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let rt = form.get("record_type").and_then(|t| RecordType::parse(&t));
    let (Some(rt), Some(id)) = (rt, form.id("record_id")) else {
        return error_page(&ctx, AppError::NotFound);
    };
    let back = form.back_or(&record_url(rt.as_str(), id));
    let draft = draft_of_form(&form, "");
    let mut e = FieldErrors::new();
    let input = input_of(&draft, &mut e, "");
    let result = if e.is_empty() {
        state.app.schedule_activity(&actor, rt, id, input).await
    } else {
        Err(AppError::Invalid(e))
    };
    match result {
        Ok(_) => go(&ctx, &back),
        Err(AppError::Invalid(e)) => {
            form_dialog(
                &state,
                &ctx,
                "/activities".into(),
                (rt.as_str().into(), id),
                0,
                &draft,
                Some(&e),
                back,
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `GET /activities/{id}/edit`.
pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    headers: HeaderMap,
) -> Response {
    let a = match state.app.get_activity(&actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let draft = Draft {
        type_id: Some(a.activity_type_id),
        summary: a.summary.clone().unwrap_or_default(),
        due_date: a.due_date.to_string(),
        user_id: Some(a.user_id),
        note: a.note.clone().unwrap_or_default(),
    };
    let back = came_from(&headers, &record_url(&a.record_type, a.record_id));
    form_dialog(
        &state,
        &ctx,
        format!("/activities/{id}/edit"),
        (a.record_type.clone(), a.record_id),
        a.version,
        &draft,
        None,
        back,
    )
    .await
}

/// `POST /activities/{id}/edit`.
pub async fn edit_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let a = match state.app.get_activity(&actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let back = form.back_or(&record_url(&a.record_type, a.record_id));
    let version = form.id("version").unwrap_or(0);
    let draft = draft_of_form(&form, "");
    let mut e = FieldErrors::new();
    let input = input_of(&draft, &mut e, "");
    if input.due_date.is_none() && e.is_empty() {
        e.add("due_date", Invalid::Required);
    }
    let result = if e.is_empty() {
        let patch = ActivityPatch {
            activity_type_id: Some(input.activity_type_id),
            summary: Some(input.summary),
            note: Some(input.note),
            due_date: input.due_date,
            user_id: input.user_id,
        };
        state.app.update_activity(&actor, id, version, patch).await
    } else {
        Err(AppError::Invalid(e))
    };
    match result {
        Ok(_) => go(&ctx, &back),
        Err(AppError::Invalid(e)) => {
            form_dialog(
                &state,
                &ctx,
                format!("/activities/{id}/edit"),
                (a.record_type.clone(), a.record_id),
                version,
                &draft,
                Some(&e),
                back,
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /activities/{id}/cancel`.
pub async fn cancel_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let a = match state.app.get_activity(&actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let back = form.back_or(&record_url(&a.record_type, a.record_id));
    match state.app.cancel_activity(&actor, id).await {
        Ok(()) => go(&ctx, &back),
        Err(e) => error_page(&ctx, e),
    }
}

// ---------------------------------------------------------------- done

#[derive(Template)]
#[template(path = "activities/done.html")]
pub struct DoneDialog {
    pub shell: Shell,
    pub id: i64,
    pub row: ActivityRow,
    pub feedback: String,
    pub feedback_error: String,
    pub next_fields: Vec<FieldView>,
    pub errors: Vec<String>,
    /// The type schedules its next one by itself (named here).
    pub triggers: String,
    pub back: String,
}

#[allow(clippy::too_many_arguments)]
async fn done_dialog(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    a: &Activity,
    feedback: String,
    next: Option<Draft>,
    errors: Option<&FieldErrors>,
    back: String,
) -> Response {
    let names = Names::load(state).await;
    let tr = ctx.tr();
    let suggested = match next {
        Some(d) => d,
        None => match state.app.suggested_next(a).await.ok().flatten() {
            Some(s) => Draft {
                type_id: Some(s.activity_type_id),
                summary: s.summary.unwrap_or_default(),
                due_date: s.due_date.map(|d| d.to_string()).unwrap_or_default(),
                user_id: s.user_id,
                note: s.note.unwrap_or_default(),
            },
            None => Draft {
                user_id: Some(a.user_id),
                ..draft_for(&names, actor, Some(a.activity_type_id))
            },
        },
    };
    let mut next_fields = draft_fields(ctx, &names, &suggested, "next");
    let mut feedback_error = String::new();
    let other = match errors {
        Some(e) => {
            let mut rest = attach_errors(&mut next_fields, e, tr);
            if let Some(why) = e.0.get("feedback").and_then(|w| w.first()) {
                feedback_error = tr.i18n.invalid(ctx.lang, why);
                rest.retain(|m| *m != feedback_error);
            }
            rest
        }
        None => Vec::new(),
    };
    let triggers = names
        .type_of(a.activity_type_id)
        .filter(|t| t.next_mode == "trigger")
        .and_then(|t| t.next_type_id)
        .and_then(|n| names.type_of(n))
        .map(|n| tr.t1("activity-triggers", "type", &n.name))
        .unwrap_or_default();
    let title = tr.t("activity-done-title");
    let body = DoneDialog {
        shell: ctx.shell("activities", title.clone()),
        id: a.id,
        row: names.row(ctx, a),
        feedback,
        feedback_error,
        next_fields,
        errors: other,
        triggers,
        back,
    };
    if errors.is_some() {
        return render_form(&body, true);
    }
    dialog(ctx, "activities", title, &body)
}

/// `GET /activities/{id}/done`.
pub async fn done_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    headers: HeaderMap,
) -> Response {
    let a = match state.app.get_activity(&actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let back = came_from(&headers, &record_url(&a.record_type, a.record_id));
    done_dialog(&state, &ctx, &actor, &a, String::new(), None, None, back).await
}

/// `POST /activities/{id}/done`: done (`then=done`), or done and the next one scheduled
/// (`then=next`, with the `next.*` fields).
pub async fn done_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let a = match state.app.get_activity(&actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let back = form.back_or(&record_url(&a.record_type, a.record_id));
    let feedback = form.get("feedback").unwrap_or_default();
    let with_next = form.get("then").as_deref() == Some("next");
    let draft = draft_of_form(&form, "next");
    let mut e = FieldErrors::new();
    let next = with_next.then(|| input_of(&draft, &mut e, "next"));
    let result = if e.is_empty() {
        state
            .app
            .finish_activity(&actor, id, Some(feedback.clone()), next)
            .await
            .map(drop)
    } else {
        Err(AppError::Invalid(e))
    };
    match result {
        Ok(()) => go(&ctx, &back),
        Err(AppError::Invalid(e)) => {
            done_dialog(
                &state,
                &ctx,
                &actor,
                &a,
                feedback,
                Some(draft),
                Some(&e),
                back,
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}
