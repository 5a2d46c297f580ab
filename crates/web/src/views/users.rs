//! The users page (admins): list, add, change role, deactivate.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::users::{NewUserInput, UserChanges, UserView};
use sen_app::{Actor, AppError};
use sen_domain::errors::FieldErrors;
use sen_domain::user::{Language, Role};

use super::forms::{FieldView, FormData, attach_errors};
use super::page::{PageCtx, PageId, Shell, Signed, error_page, render};

use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub shell: Shell,
    pub tabs: Vec<(String, String, bool)>,
    pub users: Vec<(UserView, String)>,
    pub fields: Vec<FieldView>,
    pub editing: Option<UserView>,
    pub other_errors: Vec<String>,
}

fn role_options(tr: Tr<'_>, selected: &str) -> Vec<(String, String, bool)> {
    Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                tr.t(&format!("role-{}", r.as_str().replace('_', "-"))),
                r.as_str() == selected,
            )
        })
        .collect()
}

fn lang_options(tr: Tr<'_>, selected: &str) -> Vec<(String, String, bool)> {
    Language::ALL
        .iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                tr.t(&format!("language-{}", l.as_str())),
                l.as_str() == selected,
            )
        })
        .collect()
}

fn user_fields(tr: Tr<'_>, f: &FormData, editing: Option<&UserView>) -> Vec<FieldView> {
    let get = |k: &str, d: &str| f.get(k).unwrap_or_else(|| d.to_string());
    let (name, email, role, lang, active) = match editing {
        Some(u) => (
            u.name.as_str(),
            u.email.as_str(),
            u.role.as_str(),
            u.language.as_str(),
            u.active,
        ),
        None => ("", "", "salesperson", tr.lang, true),
    };
    let mut fields = vec![
        FieldView::new("name", tr.t("field-name"), "text", get("name", name)).required(),
        FieldView::new("email", tr.t("field-email"), "email", get("email", email)).required(),
        FieldView::new("role", tr.t("field-role"), "select", "")
            .options(role_options(tr, &get("role", role))),
        FieldView::new("language", tr.t("field-language"), "select", "")
            .options(lang_options(tr, &get("language", lang))),
    ];
    if editing.is_some() {
        fields.push(FieldView::new(
            "active",
            tr.t("field-active"),
            "checkbox",
            active.to_string(),
        ));
        fields.push(
            FieldView::new("password", tr.t("users-new-password"), "password", "")
                .autocomplete("new-password")
                .hint(tr.t("users-password-keep")),
        );
    } else {
        fields.push(
            FieldView::new("password", tr.t("field-password"), "password", "")
                .required()
                .autocomplete("new-password")
                .hint(tr.t("hint-password")),
        );
    }
    fields
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    f: &FormData,
    editing: Option<UserView>,
    errors: Option<&FieldErrors>,
) -> Response {
    let tr = ctx.tr();
    let users = match state.app.list_users(actor).await {
        Ok(u) => u
            .into_iter()
            .map(|u| {
                let role = tr.t(&format!("role-{}", u.role.replace('_', "-")));
                (u, role)
            })
            .collect(),
        Err(e) => return error_page(ctx, e),
    };
    let mut fields = user_fields(tr, f, editing.as_ref());
    let other_errors = errors
        .map(|e| attach_errors(&mut fields, e, tr))
        .unwrap_or_default();
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        render(&UsersPage {
            shell: ctx.shell("settings", tr.t("users-title")),
            tabs: super::settings::tabs(ctx, actor, "users"),
            users,
            fields,
            editing,
            other_errors,
        }),
    )
        .into_response()
}

pub async fn list_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    page(&state, &ctx, &actor, &FormData::default(), None, None).await
}

pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let input = NewUserInput {
        name: f.get("name"),
        email: f.get("email"),
        password: f.get("password"),
        role: f.get("role"),
        language: f.get("language"),
        time_zone: None,
    };
    match state.app.create_user(&actor, input).await {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(AppError::Invalid(e)) => page(&state, &ctx, &actor, &f, None, Some(&e)).await,
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    match state.app.get_user(&actor, id).await {
        Ok(u) => page(&state, &ctx, &actor, &FormData::default(), Some(u), None).await,
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn update_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let changes = UserChanges {
        name: f.get("name"),
        email: f.get("email"),
        role: f.get("role"),
        language: f.get("language"),
        active: Some(f.checked("active")),
        password: f.get("password").filter(|p| !p.is_empty()),
        ..Default::default()
    };
    match state.app.update_user(&actor, id, changes).await {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(AppError::Invalid(e)) => {
            let editing = state.app.get_user(&actor, id).await.ok();
            page(&state, &ctx, &actor, &f, editing, Some(&e)).await
        }
        Err(e) => error_page(&ctx, e),
    }
}
