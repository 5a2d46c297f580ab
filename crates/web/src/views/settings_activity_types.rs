//! Settings → activity types (R5.1): name, icon, category, default delay (after today or
//! after the previous activity's due date), default assignee, summary and note, and what
//! follows when one is done (nothing, a suggested type, or a type scheduled by itself).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::Actor;
use sen_app::activity_types::values_of;
use sen_domain::activity::{Category, DelayFrom, DelayUnit, ICONS, NextMode, TypeValues};
use sen_domain::errors::FieldErrors;
use sen_store::activities::ActivityType;

use super::forms::{FieldView, FormData, attach_errors};
use super::page::{PageCtx, PageId, Signed, error_page};
use super::settings::{Outcome, Row, SettingsPage, editor, outcome};
use crate::i18n::Tr;
use crate::state::AppState;

const BASE: &str = "/settings/activity-types";

/// `(value, label, selected)` options of a choice, labelled `{prefix}-{value}`.
fn choices<T: Copy + PartialEq>(
    tr: Tr<'_>,
    all: &[T],
    text: fn(T) -> &'static str,
    prefix: &str,
    current: T,
) -> Vec<(String, String, bool)> {
    all.iter()
        .map(|c| {
            (
                text(*c).to_string(),
                tr.t(&format!("{prefix}-{}", text(*c))),
                *c == current,
            )
        })
        .collect()
}

fn type_fields(
    tr: Tr<'_>,
    v: &TypeValues,
    users: &[(i64, String)],
    types: &[ActivityType],
) -> Vec<FieldView> {
    let mut people = vec![(
        String::new(),
        tr.t("value-none"),
        v.default_user_id.is_none(),
    )];
    people.extend(
        users
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone(), v.default_user_id == Some(*id))),
    );
    let mut next = vec![(String::new(), tr.t("value-none"), v.next_type_id.is_none())];
    next.extend(types.iter().map(|t| {
        (
            t.id.to_string(),
            t.name.clone(),
            v.next_type_id == Some(t.id),
        )
    }));
    let icons = ICONS
        .iter()
        .map(|i| (i.to_string(), i.to_string(), v.icon == *i))
        .collect();
    vec![
        FieldView::new("name", tr.t("settings-name"), "text", v.name.clone()).required(),
        FieldView::new(
            "category",
            tr.t("settings-activity-type-category"),
            "select",
            "",
        )
        .options(choices(
            tr,
            Category::ALL,
            Category::as_str,
            "activity-category",
            v.category,
        )),
        FieldView::new("icon", tr.t("settings-activity-type-icon"), "select", "").options(icons),
        FieldView::new(
            "delay_count",
            tr.t("settings-activity-type-delay"),
            "number",
            v.delay_count.to_string(),
        ),
        FieldView::new(
            "delay_unit",
            tr.t("settings-activity-type-delay-unit"),
            "select",
            "",
        )
        .options(choices(
            tr,
            DelayUnit::ALL,
            DelayUnit::as_str,
            "activity-delay-unit",
            v.delay_unit,
        )),
        FieldView::new(
            "delay_from",
            tr.t("settings-activity-type-delay-from"),
            "select",
            "",
        )
        .options(choices(
            tr,
            DelayFrom::ALL,
            DelayFrom::as_str,
            "activity-delay-from",
            v.delay_from,
        )),
        FieldView::new(
            "default_user_id",
            tr.t("settings-activity-type-default-user"),
            "select",
            "",
        )
        .options(people),
        FieldView::new(
            "summary",
            tr.t("settings-activity-type-summary"),
            "text",
            v.summary.clone().unwrap_or_default(),
        ),
        FieldView::new(
            "note",
            tr.t("settings-activity-type-note"),
            "textarea",
            v.note.clone().unwrap_or_default(),
        ),
        FieldView::new(
            "next_mode",
            tr.t("settings-activity-type-next-mode"),
            "select",
            "",
        )
        .options(choices(
            tr,
            NextMode::ALL,
            NextMode::as_str,
            "activity-next-mode",
            v.next_mode,
        )),
        FieldView::new(
            "next_type_id",
            tr.t("settings-activity-type-next-type"),
            "select",
            "",
        )
        .options(next),
        FieldView::new(
            "sequence",
            tr.t("settings-activity-type-sequence"),
            "number",
            v.sequence.to_string(),
        ),
        FieldView::new(
            "active",
            tr.t("field-active"),
            "checkbox",
            v.active.to_string(),
        ),
    ]
}

/// Reads the form; a number that is not one is named, not taken as 0.
fn type_input(form: &FormData, errors: &mut FieldErrors) -> TypeValues {
    let number = |key: &str, errors: &mut FieldErrors| -> i64 {
        match form.get(key).filter(|v| !v.trim().is_empty()) {
            None => 0,
            Some(raw) => raw.trim().parse().unwrap_or_else(|_| {
                errors.add(
                    key,
                    sen_domain::errors::Invalid::Type {
                        expected: "integer".into(),
                    },
                );
                0
            }),
        }
    };
    let text = |key: &str| form.get(key).filter(|v| !v.trim().is_empty());
    TypeValues {
        name: form.get("name").unwrap_or_default(),
        icon: form.get("icon").unwrap_or_default(),
        category: text("category")
            .and_then(|c| Category::parse(&c))
            .unwrap_or(Category::Todo),
        delay_count: number("delay_count", errors),
        delay_unit: text("delay_unit")
            .and_then(|c| DelayUnit::parse(&c))
            .unwrap_or(DelayUnit::Days),
        delay_from: text("delay_from")
            .and_then(|c| DelayFrom::parse(&c))
            .unwrap_or(DelayFrom::Today),
        default_user_id: form.id("default_user_id"),
        summary: text("summary"),
        note: text("note"),
        next_type_id: form.id("next_type_id"),
        next_mode: text("next_mode")
            .and_then(|c| NextMode::parse(&c))
            .unwrap_or(NextMode::None),
        sequence: number("sequence", errors),
        active: form.checked("active"),
    }
}

struct TypeForm<'a> {
    version: Option<i64>,
    editing: Option<&'a ActivityType>,
    input: TypeValues,
    errors: FieldErrors,
    other: Vec<String>,
}

impl TypeForm<'_> {
    fn blank() -> Self {
        TypeForm {
            version: None,
            editing: None,
            input: TypeValues::default(),
            errors: FieldErrors::new(),
            other: Vec::new(),
        }
    }
}

async fn types_page(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    form: TypeForm<'_>,
) -> Response {
    let tr = ctx.tr();
    let (types, users) = match (
        state.app.activity_types().await,
        state.app.user_names().await,
    ) {
        (Ok(t), Ok(u)) => (t, u),
        (Err(e), _) | (_, Err(e)) => return error_page(ctx, e),
    };
    let mut page = SettingsPage::new(ctx, actor, "activity-types");
    page.headers = vec![
        tr.t("settings-name"),
        tr.t("settings-activity-type-category"),
        tr.t("settings-activity-type-delay"),
        tr.t("settings-activity-type-next-mode"),
        tr.t("field-active"),
    ];
    page.rows = types
        .iter()
        .map(|t| {
            let v = values_of(t);
            let next = v
                .next_type_id
                .and_then(|n| types.iter().find(|x| x.id == n))
                .map(|n| format!(" → {}", n.name))
                .unwrap_or_default();
            Row {
                href: format!("{BASE}/{}", t.id),
                cells: vec![
                    t.name.clone(),
                    tr.t(&format!("activity-category-{}", t.category)),
                    format!(
                        "{} {} {}",
                        t.delay_count,
                        tr.t(&format!("activity-delay-unit-{}", t.delay_unit)),
                        tr.t(&format!("activity-delay-from-{}", t.delay_from))
                    ),
                    format!(
                        "{}{next}",
                        tr.t(&format!("activity-next-mode-{}", t.next_mode))
                    ),
                    if t.active { "✓" } else { "—" }.into(),
                ],
                active: t.active,
                swatch: None,
                selected: form.editing.is_some_and(|e| e.id == t.id),
            }
        })
        .collect();
    if SettingsPage::may_change(actor) {
        let mut fields = type_fields(tr, &form.input, &users, &types);
        let mut errors = attach_errors(&mut fields, &form.errors, tr);
        errors.extend(form.other);
        let editing = form
            .editing
            .map(|t| (t.id, form.version.unwrap_or(t.version), t.name.as_str()));
        page.editor = Some(editor(tr, BASE, editing, fields, errors));
    }
    page.respond()
}

/// `GET /settings/activity-types`.
pub async fn list_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    types_page(&state, &ctx, &actor, TypeForm::blank()).await
}

/// `POST /settings/activity-types`.
pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let mut errors = FieldErrors::new();
    let input = type_input(&FormData::parse(&body), &mut errors);
    let result = if errors.is_empty() {
        state.app.create_activity_type(&actor, input.clone()).await
    } else {
        Err(errors.into())
    };
    match result {
        Ok(_) => Redirect::to(BASE).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = TypeForm {
                    input,
                    errors,
                    other,
                    ..TypeForm::blank()
                };
                types_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `GET /settings/activity-types/{id}`.
pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    let t = match state.app.activity_type(id).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let form = TypeForm {
        editing: Some(&t),
        input: values_of(&t),
        ..TypeForm::blank()
    };
    types_page(&state, &ctx, &actor, form).await
}

/// `POST /settings/activity-types/{id}`.
pub async fn update_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let t = match state.app.activity_type(id).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let form = FormData::parse(&body);
    let mut errors = FieldErrors::new();
    let input = type_input(&form, &mut errors);
    let version = form.id("version").unwrap_or(0);
    let result = if errors.is_empty() {
        state
            .app
            .update_activity_type(&actor, id, version, input.clone())
            .await
    } else {
        Err(errors.into())
    };
    match result {
        Ok(_) => Redirect::to(BASE).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = TypeForm {
                    version: Some(version),
                    editing: Some(&t),
                    input,
                    errors,
                    other,
                };
                types_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `POST /settings/activity-types/{id}/delete`: refused (with the reason) while used.
pub async fn delete_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    match state.app.delete_activity_type(&actor, id).await {
        Ok(()) => Redirect::to(BASE).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let t = match state.app.activity_type(id).await {
                    Ok(t) => t,
                    Err(e) => return error_page(&ctx, e),
                };
                let form = TypeForm {
                    editing: Some(&t),
                    input: values_of(&t),
                    errors,
                    other,
                    ..TypeForm::blank()
                };
                types_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}
