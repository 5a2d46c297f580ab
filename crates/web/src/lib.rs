//! HTTP for Sen CRM: the JSON API (`api/`), the server-rendered pages (`views/`), embedded
//! assets, translations, authentication extractors and problem+json errors. Handlers are
//! thin: parse → one `sen_app` call → render JSON or HTML.

pub mod api;
pub mod assets;
pub mod download;
pub mod extract;
pub mod i18n;
pub mod observe;
pub mod problem;
pub mod state;
pub mod views;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::{Router, middleware};
use sen_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use state::AppState;

use crate::problem::ApiError;

/// `style-src` also allows one inline `<style>` whose text is empty (its hash): the calendar
/// library fills such an element through the CSSOM, so no inline CSS text is ever run
/// (decision 014). Its icon font is a `data:` URL.
const CSP: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; img-src 'self' data:; \
    connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application as one router.
pub fn router(app: App, secure_cookies: bool) -> Router {
    let state = AppState {
        app,
        metrics: observe::prometheus(),
        secure_cookies,
    };
    let (api, openapi) = api::router();
    let openapi_json = serde_json::to_value(&openapi).unwrap_or_default();
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || async move { Json(openapi_json.clone()) }),
        )
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .merge(views::router())
        .route("/assets/{*path}", get(assets::serve))
        .route("/healthz", get(observe::healthz))
        .route("/readyz", get(observe::readyz))
        .route("/metrics", get(observe::metrics_text))
        .fallback(views::not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            views::csrf_form,
        ))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(middleware::from_fn(observe::track))
        // Inside the header layers, so a timeout's or a panic's answer carries them too.
        .layer(middleware::from_fn(time_limit))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal().into_response()
        }))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            strict_transport,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Two years. Not `includeSubDomains`: Sen may be served on a domain whose other hosts
/// are not Sen's to force onto HTTPS.
const HSTS: &str = "max-age=63072000";

/// HSTS only over TLS: when Sen is told it is served over HTTPS (`SEN_SECURE_COOKIES`), or
/// the proxy in front says the request came over HTTPS. Sent over plain HTTP it would only
/// lock a browser out of a server that has no certificate.
async fn strict_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let over_tls = state.secure_cookies
        || req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            // Several proxies list one scheme each; the first is the client's.
            .and_then(|v| v.split(',').next())
            .is_some_and(|first| first.trim().eq_ignore_ascii_case("https"));
    let mut res = next.run(req).await;
    if over_tls {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// Requests get 30 s; an import of a big file gets 10 minutes (it is checked whole and
/// written in one transaction, which a cut-off would roll back entirely), and so does the
/// export of a whole workspace.
async fn time_limit(req: axum::extract::Request, next: middleware::Next) -> Response {
    let long = matches!(
        req.uri().path(),
        "/api/v1/leads/import"
            | "/leads/import"
            | "/api/v1/workspace/export"
            | "/settings/backup/download"
    );
    let limit = Duration::from_secs(if long { 600 } else { 30 });
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This method is not allowed here",
    )
    .into_response()
}

async fn api_not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "No such API route").into_response()
}
