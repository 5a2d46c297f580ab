//! First-run setup, sign-in/out, one's own profile, personal API tokens.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{DateTime, Utc};
use sen_app::auth::{NewSession, SetupInput};
use sen_app::users::{UserChanges, UserView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Auth, JsonBody, SESSION_COOKIE, client_addr};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `admin`, `manager`, `team_leader` or `salesperson`.
    pub role: String,
    /// `vi`, `zh-TW` or `en`.
    pub language: String,
    pub time_zone: String,
    pub active: bool,
    /// Notifications by e-mail: `none`, `immediate` or `digest` (daily).
    pub notify_email: String,
    pub created_at: DateTime<Utc>,
}

impl From<UserView> for UserOut {
    fn from(u: UserView) -> Self {
        UserOut {
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role,
            language: u.language,
            time_zone: u.time_zone,
            active: u.active,
            notify_email: u.notify_email,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    #[serde(flatten)]
    pub user: UserOut,
    /// The secret iCalendar feed of your meetings and activities, for calendar apps;
    /// `DELETE /api/v1/me/calendar-feed` revokes it.
    pub calendar_feed_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AdminIn {
    pub name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetupIn {
    pub workspace_name: Option<String>,
    /// `vi`, `zh-TW` or `en`.
    pub language: Option<String>,
    /// `VND`, `TWD` or `USD`.
    pub currency: Option<String>,
    /// An IANA time zone, e.g. `Asia/Ho_Chi_Minh`.
    pub time_zone: Option<String>,
    pub admin: Option<AdminIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub user: UserOut,
    /// Send back in `X-CSRF-Token` on unsafe requests made with the session cookie.
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginIn {
    pub email: Option<String>,
    pub password: Option<String>,
}

/// The session cookie: HttpOnly, SameSite=Lax, for the whole site.
pub fn session_cookie(value: String, expires: DateTime<Utc>, secure: bool) -> Cookie<'static> {
    let max_age = (expires - Utc::now()).num_seconds().max(0);
    Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(time_duration(max_age))
        .build()
}

fn time_duration(secs: i64) -> time::Duration {
    time::Duration::seconds(secs)
}

pub fn clear_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .max_age(time_duration(0))
        .build()
}

fn session_response(status: StatusCode, s: NewSession, secure: bool) -> Response {
    let cookie = session_cookie(s.cookie_value, s.expires_at, secure);
    let jar = CookieJar::new().add(cookie);
    (
        status,
        jar,
        Json(SessionOut {
            user: s.user.into(),
            csrf_token: s.csrf_token,
        }),
    )
        .into_response()
}

pub fn setup_input(b: SetupIn) -> SetupInput {
    let admin = b.admin.unwrap_or(AdminIn {
        name: None,
        email: None,
        password: None,
    });
    SetupInput {
        workspace_name: b.workspace_name,
        language: b.language,
        currency: b.currency,
        time_zone: b.time_zone,
        admin_name: admin.name,
        admin_email: admin.email,
        admin_password: admin.password,
    }
}

/// First run: create the workspace and its first admin (signed in at once).
#[utoipa::path(post, path = "/api/v1/setup", tag = "session", request_body = SetupIn,
    responses((status = 201, description = "Created", body = SessionOut), (status = 409, description = "already set up", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 400, description = "Malformed request or query (problem+json)", body = Problem)))]
pub async fn setup(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<SetupIn>,
) -> ApiResult<Response> {
    let s = state.app.setup(setup_input(body)).await?;
    Ok(session_response(
        StatusCode::CREATED,
        s,
        state.secure_cookies,
    ))
}

/// The peer address, for sign-in throttling.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

/// Sign in; answers a fresh session cookie and the CSRF token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "session", request_body = LoginIn,
    responses((status = 200, description = "OK", body = SessionOut), (status = 401, description = "Not signed in (problem+json)", body = Problem), (status = 429, description = "Too many attempts; see Retry-After (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    JsonBody(body): JsonBody<LoginIn>,
) -> ApiResult<Response> {
    let s = state
        .app
        .login(
            body.email.as_deref().unwrap_or(""),
            body.password.as_deref().unwrap_or(""),
            &addr.0,
        )
        .await?;
    Ok(session_response(StatusCode::OK, s, state.secure_cookies))
}

/// Sign out: the session is revoked on the server and the cookie cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "session",
    responses((status = 204, description = "Done, no content"), (status = 401, description = "Not signed in (problem+json)", body = Problem), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    _auth: Auth,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let jar = CookieJar::from_headers(&headers);
    if let Some(c) = jar.get(SESSION_COOKIE) {
        state.app.logout(c.value()).await?;
    }
    Ok((StatusCode::NO_CONTENT, CookieJar::new().add(clear_cookie())).into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, description = "OK", body = MeOut), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> ApiResult<Json<MeOut>> {
    let u = state.app.user_view(auth.actor().user_id).await?;
    let token = state.app.calendar_feed_token(auth.actor()).await?;
    Ok(Json(MeOut {
        user: u.into(),
        calendar_feed_url: Some(super::meetings::feed_url(
            &headers,
            state.secure_cookies,
            &token,
        )),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MePatch {
    pub name: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// `none`, `immediate` or `digest`.
    pub notify_email: Option<String>,
    /// A new password; needs `current_password`.
    pub password: Option<String>,
    pub current_password: Option<String>,
}

/// Change one's own name, language, time zone or password (a new password ends one's other sessions).
#[utoipa::path(patch, path = "/api/v1/me", tag = "session", request_body = MePatch,
    responses((status = 200, description = "OK", body = MeOut), (status = 401, description = "Not signed in (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn update_me(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    JsonBody(b): JsonBody<MePatch>,
) -> ApiResult<Json<MeOut>> {
    let jar = CookieJar::from_headers(&headers);
    let changes = UserChanges {
        name: b.name,
        language: b.language,
        time_zone: b.time_zone,
        notify_email: b.notify_email,
        password: b.password,
        current_password: b.current_password,
        ..Default::default()
    };
    let u = state
        .app
        .update_me(
            auth.actor(),
            changes,
            jar.get(SESSION_COOKIE).map(|c| c.value()),
        )
        .await?;
    let token = state.app.calendar_feed_token(auth.actor()).await?;
    Ok(Json(MeOut {
        user: u.into(),
        calendar_feed_url: Some(super::meetings::feed_url(
            &headers,
            state.secure_cookies,
            &token,
        )),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenOut {
    pub id: i64,
    pub name: String,
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenIn {
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenOut>,
}

/// One's live personal API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/api-tokens", tag = "session",
    responses((status = 200, description = "OK", body = TokenList), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list_tokens(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<TokenList>> {
    let items = state.app.list_tokens(auth.actor()).await?;
    Ok(Json(TokenList {
        items: items
            .into_iter()
            .map(|t| TokenOut {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
            })
            .collect(),
    }))
}

/// Create a personal API token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "session", request_body = TokenIn,
    responses((status = 201, description = "Created", body = NewTokenOut), (status = 401, description = "Not signed in (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<TokenIn>,
) -> ApiResult<Response> {
    let (t, secret) = state
        .app
        .create_token(auth.actor(), b.name.as_deref())
        .await?;
    let location = format!("/api/v1/api-tokens/{}", t.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(NewTokenOut {
            id: t.id,
            name: t.name,
            token: secret,
        }),
    )
        .into_response())
}

/// Revoke one of one's tokens.
#[utoipa::path(delete, path = "/api/v1/api-tokens/{id}", tag = "session", params(("id" = i64, Path)),
    responses((status = 204, description = "Done, no content"), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.revoke_token(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
