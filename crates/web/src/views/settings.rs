//! Settings pages (issue #4, R2): one layout for every kind of configuration — a table of
//! what exists on the left, the form to add or edit one on the right, a tab per kind.
//! Everyone may read the settings; only managers and admins see the forms (the use cases
//! refuse the others anyway). Pipelines (`settings_pipelines.rs`) and teams
//! (`settings_teams.rs`) use the same page; the lookups live here.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::{Actor, AppError};
use sen_domain::errors::FieldErrors;
use sen_domain::lookup::{AppliesTo, LookupValues, TAG_COLORS};
use sen_store::lookups::{Lookup, LookupKind};

use super::forms::{FieldView, FormData, attach_errors};
use super::page::{PageCtx, Shell, Signed, error_page, render_form};
use crate::i18n::Tr;
use crate::state::AppState;

/// The tabs of the settings area, in order: (path segment, label key).
const SECTIONS: &[(&str, &str)] = &[
    ("pipelines", "settings-pipelines"),
    ("teams", "settings-teams"),
    ("activity-types", "settings-tab-activity-types"),
    ("tags", "settings-tags"),
    ("lost-reasons", "settings-lost-reasons"),
    ("sources", "settings-sources"),
    ("mediums", "settings-mediums"),
    ("campaigns", "settings-campaigns"),
];

/// The settings tabs as `(href, label, current)`; users and roles for admins only.
pub fn tabs(ctx: &PageCtx, actor: &Actor, section: &str) -> Vec<(String, String, bool)> {
    let tr = ctx.tr();
    let mut tabs: Vec<(String, String, bool)> = SECTIONS
        .iter()
        .map(|(s, key)| (format!("/settings/{s}"), tr.t(key), *s == section))
        .collect();
    if actor.role == sen_domain::user::Role::Admin {
        tabs.push(("/users".into(), tr.t("settings-users"), section == "users"));
        tabs.push((
            "/settings/mail".into(),
            tr.t("settings-mail"),
            section == "mail",
        ));
        tabs.push((
            "/settings/backup".into(),
            tr.t("settings-backup"),
            section == "backup",
        ));
    }
    tabs
}

/// One line of a settings table.
pub struct Row {
    pub href: String,
    pub cells: Vec<String>,
    pub active: bool,
    /// A tag colour shown before the name.
    pub swatch: Option<i64>,
    pub selected: bool,
}

/// The add/edit form beside the table.
pub struct Editor {
    pub title: String,
    pub action: String,
    pub version: Option<i64>,
    pub fields: Vec<FieldView>,
    pub errors: Vec<String>,
    pub submit: String,
    /// `(action, question)` of the delete button when editing.
    pub delete: Option<(String, String)>,
    pub cancel: String,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub section: &'static str,
    pub tabs: Vec<(String, String, bool)>,
    pub heading: String,
    pub intro: String,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub editor: Option<Editor>,
    /// Extra HTML below the table (a pipeline's stages), already rendered.
    pub extra: String,
    /// Something on the page outside the editor was refused (a new stage's name).
    pub refused: bool,
}

impl SettingsPage {
    /// The page of one section; the editor only for those who may change settings.
    pub fn new(ctx: &PageCtx, actor: &Actor, section: &'static str) -> Self {
        let tr = ctx.tr();
        let heading = tr.t(&format!("settings-{section}"));
        SettingsPage {
            shell: ctx.shell("settings", tr.t1("settings-title-of", "section", &heading)),
            section,
            tabs: tabs(ctx, actor, section),
            intro: tr.t(&format!("settings-{section}-intro")),
            heading,
            headers: Vec::new(),
            rows: Vec::new(),
            editor: None,
            extra: String::new(),
            refused: false,
        }
    }

    /// The page; 422 when the form came back refused, so scripts see the failure too.
    pub fn respond(self) -> Response {
        let refused = self.refused
            || self.editor.as_ref().is_some_and(|e| {
                !e.errors.is_empty() || e.fields.iter().any(|f| !f.error.is_empty())
            });
        render_form(&self, refused)
    }

    pub fn may_change(actor: &Actor) -> bool {
        actor.role.sees_all()
    }
}

/// The editor's title, form action and delete button for a new or an existing item.
pub fn editor(
    tr: Tr<'_>,
    base: &str,
    editing: Option<(i64, i64, &str)>,
    fields: Vec<FieldView>,
    errors: Vec<String>,
) -> Editor {
    match editing {
        Some((id, version, name)) => Editor {
            title: name.to_string(),
            action: format!("{base}/{id}"),
            version: Some(version),
            fields,
            errors,
            submit: tr.t("action-save"),
            delete: Some((
                format!("{base}/{id}/delete"),
                tr.t1("settings-delete-confirm", "name", name),
            )),
            cancel: base.to_string(),
        },
        None => Editor {
            title: tr.t("settings-add"),
            action: base.to_string(),
            version: None,
            fields,
            errors,
            submit: tr.t("settings-add"),
            delete: None,
            cancel: String::new(),
        },
    }
}

/// The message for a refused change that has no field to sit beside.
pub fn refusal(ctx: &PageCtx, e: &AppError) -> String {
    let tr = ctx.tr();
    match e {
        AppError::Conflict(code) => {
            let key = format!("settings-conflict-{}", code.replace('_', "-"));
            if tr.i18n.has(ctx.lang, &key) {
                tr.t(&key)
            } else {
                tr.t("settings-conflict")
            }
        }
        AppError::Stale(_) => tr.t("settings-stale"),
        other => super::lead_dialogs::problem_text(ctx, other),
    }
}

/// Where a refused form goes: field errors beside their fields, a stale version or a
/// conflict as a message above them, anything else as an error page.
pub enum Outcome {
    Form(FieldErrors, Vec<String>),
    Page(Response),
}

pub fn outcome(ctx: &PageCtx, e: AppError) -> Outcome {
    match e {
        AppError::Invalid(errors) => Outcome::Form(errors, Vec::new()),
        e @ (AppError::Conflict(_) | AppError::Stale(_)) => {
            Outcome::Form(FieldErrors::new(), vec![refusal(ctx, &e)])
        }
        e => Outcome::Page(error_page(ctx, e)),
    }
}

/// `GET /settings`: the first tab.
pub async fn index(Signed { .. }: Signed) -> Response {
    Redirect::to("/settings/pipelines").into_response()
}

// ------------------------------------------------------------------ lookups

/// The lookup kinds by their path segment.
fn lookup_kind(segment: &str) -> Option<(LookupKind, &'static str)> {
    Some(match segment {
        "tags" => (LookupKind::Tag, "tags"),
        "lost-reasons" => (LookupKind::LostReason, "lost-reasons"),
        "sources" => (LookupKind::Source, "sources"),
        "mediums" => (LookupKind::Medium, "mediums"),
        "campaigns" => (LookupKind::Campaign, "campaigns"),
        _ => return None,
    })
}

fn color_options(tr: Tr<'_>, selected: Option<i64>) -> Vec<(String, String, bool)> {
    (0..TAG_COLORS)
        .map(|c| {
            (
                c.to_string(),
                tr.t(&format!("tag-color-{c}")),
                selected.unwrap_or(0) == c,
            )
        })
        .collect()
}

fn applies_options(tr: Tr<'_>, selected: Option<AppliesTo>) -> Vec<(String, String, bool)> {
    AppliesTo::ALL
        .iter()
        .map(|a| {
            (
                a.as_str().to_string(),
                tr.t(&format!("applies-to-{}", a.as_str())),
                Some(*a) == selected.or(Some(AppliesTo::Both)),
            )
        })
        .collect()
}

fn lookup_fields(tr: Tr<'_>, kind: LookupKind, v: &LookupValues) -> Vec<FieldView> {
    let mut fields =
        vec![FieldView::new("name", tr.t("settings-name"), "text", v.name.clone()).required()];
    if kind == LookupKind::Tag {
        fields.push(
            FieldView::new("color", tr.t("settings-color"), "select", "")
                .options(color_options(tr, v.color)),
        );
    }
    if kind == LookupKind::LostReason {
        fields.push(
            FieldView::new("applies_to", tr.t("settings-applies-to"), "select", "")
                .options(applies_options(tr, v.applies_to)),
        );
    }
    fields.push(FieldView::new(
        "active",
        tr.t("field-active"),
        "checkbox",
        v.active.to_string(),
    ));
    fields
}

fn lookup_values(kind: LookupKind, form: &FormData) -> LookupValues {
    LookupValues {
        name: form.get("name").unwrap_or_default(),
        active: form.checked("active"),
        color: (kind == LookupKind::Tag).then(|| form.id("color").unwrap_or(0)),
        applies_to: (kind == LookupKind::LostReason)
            .then(|| form.get("applies_to").and_then(|a| AppliesTo::parse(&a)))
            .flatten(),
    }
}

fn values_of(l: &Lookup) -> LookupValues {
    LookupValues {
        name: l.name.clone(),
        active: l.active,
        color: l.color,
        applies_to: l.applies_to.as_deref().and_then(AppliesTo::parse),
    }
}

struct LookupForm<'a> {
    editing: Option<&'a Lookup>,
    /// The version the person's form was based on (kept through a refusal, so a stale
    /// edit stays stale).
    version: Option<i64>,
    values: LookupValues,
    errors: Option<FieldErrors>,
    other: Vec<String>,
}

async fn lookup_page(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    (kind, section): (LookupKind, &'static str),
    form: LookupForm<'_>,
) -> Response {
    let tr = ctx.tr();
    let items = match state.app.list_lookups(kind).await {
        Ok(items) => items,
        Err(e) => return error_page(ctx, e),
    };
    let mut page = SettingsPage::new(ctx, actor, section);
    page.headers = vec![tr.t("settings-name")];
    if kind == LookupKind::LostReason {
        page.headers.push(tr.t("settings-applies-to"));
    }
    page.headers.push(tr.t("field-active"));
    let base = format!("/settings/{section}");
    page.rows = items
        .iter()
        .map(|l| {
            let mut cells = vec![l.name.clone()];
            if kind == LookupKind::LostReason {
                cells.push(tr.t(&format!(
                    "applies-to-{}",
                    l.applies_to.as_deref().unwrap_or("both")
                )));
            }
            cells.push(if l.active { "✓" } else { "—" }.into());
            Row {
                href: format!("{base}/{}", l.id),
                cells,
                active: l.active,
                swatch: l.color,
                selected: form.editing.is_some_and(|e| e.id == l.id),
            }
        })
        .collect();
    if SettingsPage::may_change(actor) {
        let mut fields = lookup_fields(tr, kind, &form.values);
        let mut errors = form
            .errors
            .map(|e| attach_errors(&mut fields, &e, tr))
            .unwrap_or_default();
        errors.extend(form.other);
        let editing = form
            .editing
            .map(|l| (l.id, form.version.unwrap_or(l.version), l.name.as_str()));
        page.editor = Some(editor(tr, &base, editing, fields, errors));
    }
    page.respond()
}

fn new_values() -> LookupValues {
    LookupValues {
        active: true,
        ..Default::default()
    }
}

/// `GET /settings/{kind}`.
pub async fn lookups_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(segment): Path<String>,
) -> Response {
    let Some(kind) = lookup_kind(&segment) else {
        return error_page(&ctx, AppError::NotFound);
    };
    let form = LookupForm {
        editing: None,
        version: None,
        values: new_values(),
        errors: None,
        other: Vec::new(),
    };
    lookup_page(&state, &ctx, &actor, kind, form).await
}

/// `POST /settings/{kind}`: adds one.
pub async fn lookup_create(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(segment): Path<String>,
    body: Bytes,
) -> Response {
    let Some(kind) = lookup_kind(&segment) else {
        return error_page(&ctx, AppError::NotFound);
    };
    let values = lookup_values(kind.0, &FormData::parse(&body));
    match state
        .app
        .create_lookup(&actor, kind.0, values.clone())
        .await
    {
        Ok(_) => Redirect::to(&format!("/settings/{}", kind.1)).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = LookupForm {
                    editing: None,
                    version: None,
                    values,
                    errors: Some(errors),
                    other,
                };
                lookup_page(&state, &ctx, &actor, kind, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// A `{kind}/{id}` path, or the "not found" page.
async fn lookup_target(
    state: &AppState,
    ctx: &PageCtx,
    (segment, id): &(String, String),
) -> Result<((LookupKind, &'static str), Lookup), Response> {
    let kind = lookup_kind(segment);
    let id = id.parse::<i64>().ok();
    let (Some(kind), Some(id)) = (kind, id) else {
        return Err(error_page(ctx, AppError::NotFound));
    };
    match state.app.get_lookup(kind.0, id).await {
        Ok(l) => Ok((kind, l)),
        Err(e) => Err(error_page(ctx, e)),
    }
}

/// `GET /settings/{kind}/{id}`: the table with this one in the editor.
pub async fn lookup_edit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(path): Path<(String, String)>,
) -> Response {
    let (kind, item) = match lookup_target(&state, &ctx, &path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let form = LookupForm {
        editing: Some(&item),
        version: None,
        values: values_of(&item),
        errors: None,
        other: Vec::new(),
    };
    lookup_page(&state, &ctx, &actor, kind, form).await
}

/// `POST /settings/{kind}/{id}`: saves the editor.
pub async fn lookup_update(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(path): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (kind, item) = match lookup_target(&state, &ctx, &path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let values = lookup_values(kind.0, &form);
    // A form without a version cannot prove it saw the current values.
    let version = form.id("version").unwrap_or(0);
    match state
        .app
        .update_lookup(&actor, kind.0, item.id, version, values.clone())
        .await
    {
        Ok(_) => Redirect::to(&format!("/settings/{}", kind.1)).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = LookupForm {
                    editing: Some(&item),
                    version: Some(version),
                    values,
                    errors: Some(errors),
                    other,
                };
                lookup_page(&state, &ctx, &actor, kind, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `POST /settings/{kind}/{id}/delete`.
pub async fn lookup_delete(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(path): Path<(String, String)>,
) -> Response {
    let (kind, item) = match lookup_target(&state, &ctx, &path).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match state.app.delete_lookup(&actor, kind.0, item.id).await {
        Ok(()) => Redirect::to(&format!("/settings/{}", kind.1)).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}
