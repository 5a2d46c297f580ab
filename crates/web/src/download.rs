//! Sending a file that was written to disk first (the workspace export) in chunks, so a
//! download of any size holds 64 KiB of memory at a time.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sen_app::workspace_file::ExportedFile;
use tokio::io::AsyncReadExt;

const CHUNK: usize = 64 * 1024;

/// The export as an attachment named `sen-workspace-<date>.jsonl`.
pub async fn exported_workspace(file: ExportedFile) -> std::io::Result<Response> {
    let opened = tokio::fs::File::open(&file.path).await?;
    let len = opened.metadata().await?.len();
    // Unlinked now; the open handle still reads it, and nothing is left behind.
    drop(file);
    let chunks = futures_util::stream::unfold(Some(opened), |state| async move {
        let mut f = state?;
        let mut buf = vec![0u8; CHUNK];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(f)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let name = format!(
        "sen-workspace-{}.jsonl",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let mut res = (StatusCode::OK, Body::from_stream(chunks)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
