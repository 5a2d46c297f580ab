//! Setup, sign-in/out, language switch and the profile page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use sen_app::auth::SetupInput;
use sen_app::users::{UserChanges, UserView};
use sen_app::{Actor, AppError};
use sen_domain::errors::FieldErrors;
use sen_domain::user::{Currency, Language};

use super::forms::{FieldView, FormData, attach_errors, same_origin};
use super::page::{PageCtx, Shell, Signed, error_page, render};
use crate::api::session::{clear_cookie, session_cookie};
use crate::extract::SESSION_COOKIE;
use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    pub shell: Shell,
    pub fields: Vec<FieldView>,
    pub other_errors: Vec<String>,
}

const TIME_ZONES: &[&str] = &[
    "Asia/Ho_Chi_Minh",
    "Asia/Taipei",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "America/New_York",
    "UTC",
];

fn choices(
    tr: Tr<'_>,
    values: &[&str],
    prefix: &str,
    selected: &str,
) -> Vec<(String, String, bool)> {
    values
        .iter()
        .map(|v| {
            let label = if prefix.is_empty() {
                (*v).to_string()
            } else {
                tr.t(&format!("{prefix}-{v}"))
            };
            ((*v).to_string(), label, *v == selected)
        })
        .collect()
}

fn setup_fields(tr: Tr<'_>, f: &FormData) -> Vec<FieldView> {
    let lang = f.get("language").unwrap_or_else(|| tr.lang.to_string());
    let default_currency = match tr.lang {
        "vi" => "VND",
        "zh-TW" => "TWD",
        _ => "USD",
    };
    let currency = f.get("currency").unwrap_or_else(|| default_currency.into());
    let default_tz = if tr.lang == "zh-TW" {
        "Asia/Taipei"
    } else {
        "Asia/Ho_Chi_Minh"
    };
    let tz = f.get("time_zone").unwrap_or_else(|| default_tz.into());
    let langs: Vec<&str> = Language::ALL.iter().map(|l| l.as_str()).collect();
    let currencies: Vec<&str> = Currency::ALL.iter().map(|c| c.as_str()).collect();
    vec![
        FieldView::new(
            "workspace_name",
            tr.t("setup-workspace-name"),
            "text",
            f.get("workspace_name").unwrap_or_default(),
        )
        .required(),
        FieldView::new("language", tr.t("field-language"), "select", "")
            .options(choices(tr, &langs, "language", &lang)),
        FieldView::new("currency", tr.t("setup-currency"), "select", "").options(choices(
            tr,
            &currencies,
            "currency",
            &currency,
        )),
        FieldView::new("time_zone", tr.t("field-time-zone"), "select", "")
            .options(choices(tr, TIME_ZONES, "", &tz)),
        FieldView::new(
            "name",
            tr.t("setup-admin-name"),
            "text",
            f.get("name").unwrap_or_default(),
        )
        .required()
        .autocomplete("name"),
        FieldView::new(
            "email",
            tr.t("field-email"),
            "email",
            f.get("email").unwrap_or_default(),
        )
        .required()
        .autocomplete("email"),
        FieldView::new("password", tr.t("field-password"), "password", "")
            .required()
            .autocomplete("new-password")
            .hint(tr.t("hint-password")),
    ]
}

pub async fn setup_page(State(state): State<AppState>, ctx: PageCtx) -> Response {
    if state.app.is_set_up().await.unwrap_or(false) {
        return Redirect::to("/login").into_response();
    }
    let tr = ctx.tr();
    render(&SetupPage {
        shell: ctx.shell("", tr.t("setup-title")),
        fields: setup_fields(tr, &FormData::default()),
        other_errors: vec![],
    })
}

pub async fn setup_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        return error_page(&ctx, AppError::Forbidden);
    }
    let f = FormData::parse(&body);
    let input = SetupInput {
        workspace_name: f.get("workspace_name"),
        language: f.get("language"),
        currency: f.get("currency"),
        time_zone: f.get("time_zone"),
        admin_name: f.get("name"),
        admin_email: f.get("email"),
        admin_password: f.get("password"),
    };
    match state.app.setup(input).await {
        Ok(s) => {
            let jar = CookieJar::new().add(session_cookie(
                s.cookie_value,
                s.expires_at,
                state.secure_cookies,
            ));
            (jar, Redirect::to("/pipeline")).into_response()
        }
        Err(AppError::Conflict(_)) => Redirect::to("/login").into_response(),
        Err(AppError::Invalid(errors)) => {
            // Show the page in the language the admin picked, even before it is saved.
            let lang = crate::i18n::I18n::pick(&f.get("language").unwrap_or_default());
            let ctx = PageCtx { lang, ..ctx };
            let tr = ctx.tr();
            let mut fields = setup_fields(tr, &f);
            let other_errors = attach_errors(&mut fields, &errors, tr);
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&SetupPage {
                    shell: ctx.shell("", tr.t("setup-title")),
                    fields,
                    other_errors,
                }),
            )
                .into_response()
        }
        Err(e) => error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub shell: Shell,
    pub email: String,
    pub next: String,
    pub error: String,
}

fn safe_next(next: Option<String>) -> String {
    // Only local paths: never bounce a user to another site after sign-in.
    next.filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/pipeline".into())
}

pub async fn login_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    uri: axum::http::Uri,
) -> Response {
    if !state.app.is_set_up().await.unwrap_or(true) {
        return Redirect::to("/setup").into_response();
    }
    let q: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let next = safe_next(q.into_iter().find(|(k, _)| k == "next").map(|(_, v)| v));
    if ctx.user.is_some() {
        return Redirect::to(&next).into_response();
    }
    let tr = ctx.tr();
    render(&LoginPage {
        shell: ctx.shell("", tr.t("login-title")),
        email: String::new(),
        next,
        error: String::new(),
    })
}

pub async fn login_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    addr: crate::api::session::ClientAddr,
    body: Bytes,
) -> Response {
    if !same_origin(&headers) {
        return error_page(&ctx, AppError::Forbidden);
    }
    let f = FormData::parse(&body);
    let email = f.get("email").unwrap_or_default();
    let next = safe_next(f.get("next"));
    match state
        .app
        .login(&email, &f.get("password").unwrap_or_default(), &addr.0)
        .await
    {
        Ok(s) => {
            let jar = CookieJar::new().add(session_cookie(
                s.cookie_value,
                s.expires_at,
                state.secure_cookies,
            ));
            (jar, Redirect::to(&next)).into_response()
        }
        Err(e) => {
            let tr = ctx.tr();
            let (status, error) = match e {
                AppError::TooManyAttempts { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    tr.t1(
                        "login-too-many",
                        "minutes",
                        &retry_after_secs.div_ceil(60).to_string(),
                    ),
                ),
                AppError::Invalid(_) | AppError::Unauthenticated => {
                    (StatusCode::UNAUTHORIZED, tr.t("login-failed"))
                }
                other => return error_page(&ctx, other),
            };
            (
                status,
                render(&LoginPage {
                    shell: ctx.shell("", tr.t("login-title")),
                    email,
                    next,
                    error,
                }),
            )
                .into_response()
        }
    }
}

pub async fn logout(State(state): State<AppState>, ctx: PageCtx, headers: HeaderMap) -> Response {
    if ctx.auth.is_some()
        && let Some(c) = CookieJar::from_headers(&headers).get(SESSION_COOKIE)
    {
        let _ = state.app.logout(c.value()).await;
    }
    (CookieJar::new().add(clear_cookie()), Redirect::to("/login")).into_response()
}

/// The language switch in the user menu: stored on the user, then back to the page.
pub async fn switch_language(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let changes = UserChanges {
        language: f.get("language"),
        ..Default::default()
    };
    if let Err(e) = state.app.update_me(&actor, changes, None).await {
        return error_page(&ctx, e);
    }
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        });
    Redirect::to(&safe_next(back)).into_response()
}

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub shell: Shell,
    pub fields: Vec<FieldView>,
    pub password_fields: Vec<FieldView>,
    pub tokens: Vec<(i64, String, String, String)>,
    pub new_token: String,
    pub notice: String,
}

fn profile_fields(tr: Tr<'_>, u: &UserView) -> Vec<FieldView> {
    let (name, lang, tz) = (u.name.as_str(), u.language.as_str(), u.time_zone.as_str());
    let langs: Vec<&str> = Language::ALL.iter().map(|l| l.as_str()).collect();
    let mut zones: Vec<&str> = TIME_ZONES.to_vec();
    if !zones.contains(&tz) {
        zones.push(tz);
    }
    vec![
        FieldView::new("name", tr.t("field-name"), "text", name).required(),
        FieldView::new("language", tr.t("field-language"), "select", "")
            .options(choices(tr, &langs, "language", lang)),
        FieldView::new("time_zone", tr.t("field-time-zone"), "select", "")
            .options(choices(tr, &zones, "", tz)),
        FieldView::new("notify_email", tr.t("field-notify-email"), "select", "")
            .options(choices(
                tr,
                &["immediate", "digest", "none"],
                "notify-email",
                &u.notify_email,
            ))
            .hint(tr.t("hint-notify-email")),
    ]
}

fn password_fields(tr: Tr<'_>) -> Vec<FieldView> {
    vec![
        FieldView::new(
            "current_password",
            tr.t("profile-current-password"),
            "password",
            "",
        )
        .required()
        .autocomplete("current-password"),
        FieldView::new("password", tr.t("profile-new-password"), "password", "")
            .required()
            .autocomplete("new-password")
            .hint(tr.t("hint-password")),
    ]
}

/// What a profile answer shows besides the profile: errors of either form, a token
/// secret shown once, a notice.
#[derive(Default)]
struct ProfileExtras<'a> {
    errors: Option<&'a FieldErrors>,
    pw_errors: Option<&'a FieldErrors>,
    new_token: String,
    notice: String,
}

async fn profile(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    extras: ProfileExtras<'_>,
) -> Response {
    let ProfileExtras {
        errors,
        pw_errors,
        new_token,
        notice,
    } = extras;
    let tr = ctx.tr();
    let Some(u) = ctx.user.clone() else {
        return error_page(ctx, AppError::Unauthenticated);
    };
    let mut fields = profile_fields(tr, &u);
    if let Some(e) = errors {
        attach_errors(&mut fields, e, tr);
    }
    let mut pw = password_fields(tr);
    if let Some(e) = pw_errors {
        attach_errors(&mut pw, e, tr);
    }
    let tokens = match state.app.list_tokens(actor).await {
        Ok(t) => t
            .into_iter()
            .map(|t| {
                let used = t
                    .last_used_at
                    .map(|d| super::display::format_time(d, &u.time_zone, ctx.lang))
                    .unwrap_or_else(|| tr.t("profile-token-never-used"));
                (
                    t.id,
                    t.name,
                    super::display::format_time(t.created_at, &u.time_zone, ctx.lang),
                    used,
                )
            })
            .collect(),
        Err(e) => return error_page(ctx, e),
    };
    let status = if errors.is_some() || pw_errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        render(&ProfilePage {
            shell: ctx.shell("profile", tr.t("profile-title")),
            fields,
            password_fields: pw,
            tokens,
            new_token,
            notice,
        }),
    )
        .into_response()
}

pub async fn profile_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
) -> Response {
    profile(&state, &ctx, &actor, ProfileExtras::default()).await
}

pub async fn profile_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let changes = UserChanges {
        name: f.get("name"),
        language: f.get("language"),
        time_zone: f.get("time_zone"),
        notify_email: f.get("notify_email"),
        ..Default::default()
    };
    match state.app.update_me(&actor, changes, None).await {
        Ok(u) => {
            let ctx = PageCtx {
                lang: crate::i18n::I18n::pick(&u.language),
                user: Some(u),
                ..ctx
            };
            let notice = ctx.tr().t("profile-saved");
            profile(
                &state,
                &ctx,
                &actor,
                ProfileExtras {
                    notice,
                    ..Default::default()
                },
            )
            .await
        }
        Err(AppError::Invalid(e)) => {
            profile(
                &state,
                &ctx,
                &actor,
                ProfileExtras {
                    errors: Some(&e),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn password_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let changes = UserChanges {
        password: f.get("password"),
        current_password: f.get("current_password"),
        ..Default::default()
    };
    let jar = CookieJar::from_headers(&headers);
    match state
        .app
        .update_me(&actor, changes, jar.get(SESSION_COOKIE).map(|c| c.value()))
        .await
    {
        Ok(_) => {
            let notice = ctx.tr().t("profile-password-changed");
            profile(
                &state,
                &ctx,
                &actor,
                ProfileExtras {
                    notice,
                    ..Default::default()
                },
            )
            .await
        }
        Err(AppError::Invalid(e)) => {
            profile(
                &state,
                &ctx,
                &actor,
                ProfileExtras {
                    pw_errors: Some(&e),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn token_create(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    match state
        .app
        .create_token(&actor, f.get("name").as_deref())
        .await
    {
        Ok((_, secret)) => {
            profile(
                &state,
                &ctx,
                &actor,
                ProfileExtras {
                    new_token: secret,
                    ..Default::default()
                },
            )
            .await
        }
        Err(AppError::Invalid(_)) => {
            let notice = ctx.tr().t("profile-token-name-required");
            profile(
                &state,
                &ctx,
                &actor,
                ProfileExtras {
                    notice,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn token_revoke(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(id): Path<i64>,
) -> Response {
    match state.app.revoke_token(&actor, id).await {
        Ok(()) => Redirect::to("/profile").into_response(),
        Err(e) => error_page(&ctx, e),
    }
}
