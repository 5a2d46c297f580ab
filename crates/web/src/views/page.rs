//! What every page needs: who is signed in, in which language, the CSRF token, and the
//! shell (navigation, user menu) around the content.

use askama::Template;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use sen_app::auth::Authenticated;
use sen_app::users::UserView;
use sen_app::{Actor, AppError};

use crate::assets::htmx_file;
use crate::extract::{SESSION_COOKIE, authenticate};
use crate::i18n::{I18n, Tr};
use crate::problem::ApiError;
use crate::state::AppState;

/// The frame of every page.
pub struct Shell {
    pub tr: Tr<'static>,
    pub lang: &'static str,
    pub csrf: String,
    pub user: Option<UserView>,
    pub is_admin: bool,
    pub nav: &'static str,
    pub htmx: String,
    pub title: String,
    /// The notification bell (with its unread count), rendered.
    pub bell: String,
}

impl Shell {
    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.tr.t1(id, name, value)
    }
    pub fn n(&self, id: &str, count: &i64) -> String {
        self.tr.n(id, *count)
    }
    pub fn languages(&self) -> Vec<(&'static str, String, bool)> {
        crate::i18n::LANGUAGES
            .iter()
            .map(|l| (*l, self.tr.t(&format!("language-{l}")), *l == self.lang))
            .collect()
    }
    pub fn initials(&self) -> String {
        self.user
            .as_ref()
            .map(|u| initials(&u.name))
            .unwrap_or_default()
    }
}

pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => "?".into(),
        [one] => one.chars().take(2).collect(),
        [first, .., last] => first.chars().take(1).chain(last.chars().take(1)).collect(),
    }
}

/// The request's page context: maybe a signed-in user, the language, the CSRF token.
pub struct PageCtx {
    pub auth: Option<Authenticated>,
    pub user: Option<UserView>,
    pub lang: &'static str,
    pub is_htmx: bool,
    pub path: String,
    /// Unread notifications of the signed-in user (full pages only).
    pub unread: i64,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let is_htmx = parts.headers.contains_key("hx-request");
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.to_string())
            .unwrap_or_else(|| parts.uri.to_string());
        let has_cookie = CookieJar::from_headers(&parts.headers)
            .get(SESSION_COOKIE)
            .is_some();
        let auth = if has_cookie {
            match authenticate(parts, state).await {
                Ok(a) => Some(a),
                Err(e) if e.problem.code == "csrf" => return Err(e.into_response()),
                Err(_) => None,
            }
        } else {
            None
        };
        let user = match &auth {
            Some(a) => state.app.user_view(a.actor.user_id).await.ok(),
            None => None,
        };
        let lang = match &user {
            Some(u) => I18n::pick(&u.language),
            None => guest_language(&parts.headers, parts.uri.query()),
        };
        let unread = match (&auth, is_htmx) {
            (Some(a), false) => state.app.unread_notifications(&a.actor).await.unwrap_or(0),
            _ => 0,
        };
        Ok(PageCtx {
            auth,
            user,
            lang,
            is_htmx,
            path,
            unread,
        })
    }
}

/// A guest's language: `?lang=` if given, else the browser's.
fn guest_language(headers: &HeaderMap, query: Option<&str>) -> &'static str {
    if let Some(l) = query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v))
    {
        return I18n::pick(&l);
    }
    I18n::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

impl PageCtx {
    pub fn tr(&self) -> Tr<'static> {
        Tr {
            i18n: I18n::shared(),
            lang: self.lang,
        }
    }

    pub fn shell(&self, nav: &'static str, title: String) -> Shell {
        Shell {
            tr: self.tr(),
            lang: self.lang,
            csrf: self
                .auth
                .as_ref()
                .and_then(|a| a.session.as_ref())
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            is_admin: self.user.as_ref().is_some_and(|u| u.role == "admin"),
            user: self.user.clone(),
            nav,
            htmx: htmx_file(),
            title,
            bell: super::notifications::bell_html(self, self.unread),
        }
    }

    /// Today in the signed-in user's time zone (UTC for guests).
    pub fn today(&self) -> chrono::NaiveDate {
        let zone = self
            .user
            .as_ref()
            .and_then(|u| sen_app::clock::parse_tz(&u.time_zone))
            .unwrap_or(chrono_tz::UTC);
        chrono::Utc::now().with_timezone(&zone).date_naive()
    }

    /// The signed-in user's time zone name.
    pub fn time_zone(&self) -> String {
        self.user
            .as_ref()
            .map(|u| u.time_zone.clone())
            .unwrap_or_else(|| "UTC".into())
    }

    /// A redirect to the sign-in page that comes back here afterwards.
    pub fn login_redirect(&self) -> Response {
        let next = serde_urlencoded::to_string([("next", self.path.as_str())]).unwrap_or_default();
        Redirect::to(&format!("/login?{next}")).into_response()
    }
}

/// A page request from a signed-in user; anyone else is sent to the sign-in page.
pub struct Signed {
    pub ctx: PageCtx,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = PageCtx::from_request_parts(parts, state).await?;
        match ctx.auth.as_ref().map(|a| a.actor.clone()) {
            Some(actor) => Ok(Signed { ctx, actor }),
            None => Err(ctx.login_redirect()),
        }
    }
}

/// Renders a template, or a plain error page if rendering fails (a bug, logged).
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "dialog_page.html")]
struct DialogPage {
    shell: Shell,
    body: String,
}

/// A dialog's content: the bare fragment for htmx (shown in the page's `<dialog>`), or a
/// whole page around it when JavaScript is off.
pub fn dialog(ctx: &PageCtx, nav: &'static str, title: String, t: &impl Template) -> Response {
    if ctx.is_htmx {
        return render(t);
    }
    match t.render() {
        Ok(body) => render(&DialogPage {
            shell: ctx.shell(nav, title),
            body,
        }),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub shell: Shell,
    pub heading: String,
    pub message: String,
}

/// A form page: 422 when it comes back with refused fields (so scripts and tests see the
/// failure), else 200.
pub fn render_form(t: &impl Template, refused: bool) -> Response {
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, render(t)).into_response()
}

/// After a form succeeded: a redirect, or for a dialog posted by htmx a full navigation
/// (`HX-Redirect`) so the next page does not land inside the dialog.
pub fn go(ctx: &PageCtx, url: &str) -> Response {
    if ctx.is_htmx
        && let Ok(v) = axum::http::HeaderValue::from_str(url)
    {
        return ([("HX-Redirect", v)], "").into_response();
    }
    Redirect::to(url).into_response()
}

/// An application error as a page in the reader's language.
pub fn error_page(ctx: &PageCtx, err: AppError) -> Response {
    let tr = ctx.tr();
    let (status, key) = match &err {
        AppError::NotFound => (StatusCode::NOT_FOUND, "error-page-not-found"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "error-page-forbidden"),
        AppError::Unauthenticated => return ctx.login_redirect(),
        _ => {
            let api = ApiError::from(err);
            if api.status.is_client_error() {
                (api.status, "error-page-bad-request")
            } else {
                (StatusCode::INTERNAL_SERVER_ERROR, "error-page-internal")
            }
        }
    };
    let page = ErrorPage {
        shell: ctx.shell("", tr.t(key)),
        heading: tr.t(key),
        message: tr.t(&format!("{key}-detail")),
    };
    (status, render(&page)).into_response()
}

pub async fn not_found(ctx: PageCtx) -> Response {
    if ctx.path.starts_with("/api/") {
        return ApiError::new(StatusCode::NOT_FOUND, "no_route", "No such API route")
            .into_response();
    }
    error_page(&ctx, AppError::NotFound)
}

/// A numeric `{id}` in a page's path; anything else is the "not found" page.
pub struct PageId(pub i64);

impl FromRequestParts<AppState> for PageId {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let raw = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .ok();
        match raw.and_then(|axum::extract::Path(r)| r.parse::<i64>().ok()) {
            Some(id) => Ok(PageId(id)),
            None => {
                let ctx = PageCtx::from_request_parts(parts, state).await?;
                Err(error_page(&ctx, AppError::NotFound))
            }
        }
    }
}
