//! Request extractors that answer bad input with problem+json: JSON bodies (malformed → 400,
//! unknown fields or wrong types → 422 naming them, over 1 MB → 413) and authentication
//! (cookie session with CSRF checks on unsafe methods, or a bearer token).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum_extra::extract::CookieJar;
use sen_app::auth::Authenticated;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::problem::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "sen_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body checked strictly.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "The body is too large",
                )
                .detail(format!("bodies are limited to {MAX_BODY_BYTES} bytes"))
            } else {
                ApiError::bad_request("body", rej.body_text())
            }
        })?;
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send JSON",
            )
            .detail("set `Content-Type: application/json`"));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON strictly: every unknown field and the first wrong-typed field are named.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "The body is not valid JSON",
        )
        .detail(format!("line {}, column {}: {e}", e.line(), e.column()))
    })?;
    if !value.is_object() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The body must be a JSON object",
        )
        .field("body", "expected a JSON object"));
    }
    let mut unknown = Vec::new();
    let mut note_unknown = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let result: Result<T, _> = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        value,
        &mut note_unknown,
    ));
    if !unknown.is_empty() {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_fields",
            "The body has unknown fields",
        )
        .detail(format!("unknown: {}", unknown.join(", ")));
        for f in &unknown {
            e = e.field(f, "unknown field");
        }
        return Err(e);
    }
    result.map_err(|err| {
        let path = err.path().to_string();
        let field = if path.is_empty() || path == "." {
            "body".to_string()
        } else {
            path
        };
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .detail(format!("invalid: {field}"))
        .field(&field, readable(err.inner().to_string()))
    })
}

/// The date and time parser's own words ("premature end of input") say nothing to a user;
/// they become one message the catalogs translate.
fn readable(message: String) -> String {
    const DATE_PARSER: [&str; 7] = [
        "premature end of input",
        "input contains invalid characters",
        "input is out of range",
        "trailing input",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
        "bad or unsupported format string",
    ];
    if DATE_PARSER.contains(&message.as_str()) {
        "not a valid date or time".to_string()
    } else {
        message
    }
}

/// A field of a PATCH body: absent (keep), `null` (clear) or a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Patch::Null,
            Some(v) => Patch::Value(v),
        })
    }
}

impl<T> Patch<T> {
    /// `None` = keep; `Some(None)` = clear; `Some(Some(v))` = set.
    pub fn into_change(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Value(v) => Some(Some(v)),
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Cross-site request checks for cookie-authenticated unsafe requests: the browser's
/// `Sec-Fetch-Site` / `Origin` must say same origin, and the session's CSRF token must come
/// back in `X-CSRF-Token` (or, for plain forms, the `_csrf` field, see `csrf_form`).
pub fn check_csrf(
    headers: &HeaderMap,
    expected: &str,
    form_token: Option<&str>,
) -> Result<(), ApiError> {
    let bad = |why: &str| ApiError::forbidden(why).with_code("csrf");
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(bad("cross-site request refused"));
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin_host != host {
            return Err(bad("cross-origin request refused"));
        }
    }
    let given = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .or(form_token);
    match given {
        Some(t) if constant_time_eq(t.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(bad("missing or wrong CSRF token")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl ApiError {
    pub fn with_code(mut self, code: &str) -> Self {
        self.problem.code = code.to_string();
        self.problem.kind = format!("urn:sen:problem:{code}");
        self
    }
}

/// The `_csrf` field of a form body, put in the request's extensions by `csrf_form`.
#[derive(Clone)]
pub struct FormCsrf(pub String);

/// The signed-in user of an API request.
pub struct Auth(pub Authenticated);

impl Auth {
    pub fn actor(&self) -> &sen_app::Actor {
        &self.0.actor
    }
}

/// Authenticates from a bearer token or the session cookie (with CSRF checks).
pub async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Authenticated, ApiError> {
    if let Some(auth) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let token = auth
            .strip_prefix("Bearer ")
            .ok_or_else(ApiError::unauthenticated)?;
        return state
            .app
            .authenticate_token(token.trim())
            .await
            .map_err(ApiError::from);
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let cookie = jar
        .get(SESSION_COOKIE)
        .ok_or_else(ApiError::unauthenticated)?;
    let authed = state
        .app
        .authenticate_session(cookie.value())
        .await
        .map_err(ApiError::from)?;
    if !is_safe(&parts.method) {
        let expected = authed
            .session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default();
        let form = parts.extensions.get::<FormCsrf>().map(|f| f.0.clone());
        check_csrf(&parts.headers, &expected, form.as_deref())?;
    }
    Ok(authed)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await.map(Auth)
    }
}

/// The client's address for sign-in throttling (the peer address; behind a proxy, the
/// proxy's — see README on `X-Forwarded-For`).
pub fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// A numeric `{id}` path segment; anything else is a 404 (no such record).
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::not_found())?;
        raw.parse::<i64>()
            .map(IdPath)
            .map_err(|_| ApiError::not_found())
    }
}
