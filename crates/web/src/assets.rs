//! Static assets (CSS, vendored JS, icons) embedded in the binary: `cargo run` on a fresh
//! clone serves everything, and nothing is fetched at build or run time.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// `/assets/{*path}`: file names carry versions (`htmx-2.0.8.min.js`), so they can be cached
/// for long; our own CSS is revalidated by its ETag.
pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let etag = format!(
        "\"{}\"",
        file.metadata
            .sha256_hash()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let cache = if path.starts_with("vendor/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = file.data.into_owned().into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// The vendored htmx file's name (it carries its version).
pub fn htmx_file() -> String {
    Assets::iter()
        .find(|p| p.starts_with("vendor/htmx-") && p.ends_with(".js"))
        .map(|p| p.to_string())
        .unwrap_or_else(|| "vendor/htmx.min.js".into())
}
