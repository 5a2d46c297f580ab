//! Attachments: `GET|POST /api/v1/records/{type}/{id}/attachments` (list, upload as
//! multipart `file` or as the raw body with `?file_name=`), `GET|DELETE
//! /api/v1/attachments/{id}` (download, remove).

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sen_app::attachments::Upload;
use sen_domain::activity::RecordType;
use sen_domain::attachment::{MAX_BYTES, served_type};
use sen_store::attachments::Attachment;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::{Auth, IdPath};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub sha256: String,
    /// Where to download it (signed in, with access to the record).
    pub url: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

impl From<Attachment> for AttachmentOut {
    fn from(a: Attachment) -> Self {
        AttachmentOut {
            url: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            record_type: a.record_type,
            record_id: a.record_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
            created_by: a.created_by,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    pub items: Vec<AttachmentOut>,
}

fn record(kind: &str, id: &str) -> ApiResult<(RecordType, i64)> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let rt = RecordType::parse(kind).ok_or_else(ApiError::not_found)?;
    Ok((rt, id))
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "validation",
        "The file is too large",
    )
    .field(
        "file",
        format!("a file may be at most {} MB", max / 1024 / 1024),
    )
}

/// Reads an upload: a multipart form's `file` field, or the raw body (its type from
/// `Content-Type`, its name from `?file_name=`). Bodies far over `max` stop early (the use
/// case checks the exact limit).
pub async fn read_upload(
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    max: usize,
) -> ApiResult<Upload> {
    let bytes = axum::body::to_bytes(body, max + 1024 * 1024)
        .await
        .map_err(|_| too_large(max))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("multipart/form-data") {
        return read_multipart(&content_type, bytes).await;
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    let file_name = pairs
        .into_iter()
        .find(|(k, _)| k == "file_name")
        .map(|(_, v)| v)
        .unwrap_or_else(|| "file".into());
    Ok(Upload {
        file_name,
        content_type: Some(content_type).filter(|c| !c.is_empty()),
        data: bytes.to_vec(),
    })
}

async fn read_multipart(content_type: &str, bytes: Bytes) -> ApiResult<Upload> {
    read_form_parts(content_type, bytes)
        .await?
        .0
        .ok_or_else(|| ApiError::unprocessable("file", "required"))
}

/// A multipart form: its `file` field (the first one) and its other fields as text.
pub async fn read_form_parts(
    content_type: &str,
    bytes: Bytes,
) -> ApiResult<(Option<Upload>, Vec<(String, String)>)> {
    let bad = |why: String| ApiError::bad_request("file", why);
    let boundary = multer::parse_boundary(content_type).map_err(|e| bad(e.to_string()))?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    let (mut file, mut fields) = (None, Vec::new());
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.to_string()))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" && file.is_none() {
            let file_name = field.file_name().unwrap_or("file").to_string();
            let content_type = field.content_type().map(|m| m.to_string());
            let data = field.bytes().await.map_err(|e| bad(e.to_string()))?;
            file = Some(Upload {
                file_name,
                content_type,
                data: data.to_vec(),
            });
        } else {
            let data = field.bytes().await.map_err(|e| bad(e.to_string()))?;
            fields.push((name, String::from_utf8_lossy(&data).into_owned()));
        }
    }
    Ok((file, fields))
}

/// A record's attachments, newest first.
#[utoipa::path(get, path = "/api/v1/records/{type}/{id}/attachments", tag = "timeline",
    params(("type" = String, Path, description = "`lead` or `contact`"), ("id" = i64, Path)),
    responses((status = 200, description = "OK", body = AttachmentList), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<Json<AttachmentList>> {
    let (rt, id) = record(&kind, &id)?;
    let items = state.app.list_attachments(auth.actor(), rt, id).await?;
    Ok(Json(AttachmentList {
        items: items.into_iter().map(AttachmentOut::from).collect(),
    }))
}

/// Attach a file (at most 10 MB; its content type must match its bytes).
/// The multipart form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only describes the form in the OpenAPI document.
pub struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[utoipa::path(post, path = "/api/v1/records/{type}/{id}/attachments", tag = "timeline",
    params(("type" = String, Path, description = "`lead` or `contact`"), ("id" = i64, Path),
           ("file_name" = Option<String>, Query, description = "With a raw body: the file's name")),
    request_body(description = "A multipart form with a `file` field, or the file itself as the body (with `file_name`)",
        content((UploadForm = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 201, description = "Attached", body = AttachmentOut),
              (status = 400, description = "A multipart body that cannot be read (problem+json naming `file`)", body = Problem),
              (status = 403, description = "You may not change this record (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 413, description = "Over the size limit (problem+json naming `file`)", body = Problem),
              (status = 422, description = "Empty, over the limit, or a content type that is not what the file is (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path((kind, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let (rt, id) = record(&kind, &id)?;
    let upload = read_upload(&headers, query.as_deref(), body, MAX_BYTES).await?;
    let a = state.app.attach(auth.actor(), rt, id, upload).await?;
    let location = format!("/api/v1/attachments/{}", a.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(AttachmentOut::from(a)),
    )
        .into_response())
}

/// Download an attachment (only with access to its record).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "timeline", params(("id" = i64, Path)),
    responses((status = 200, description = "The file, as a download, with the content type it was stored with", content_type = "*/*"),
              (status = 404, description = "No such attachment, or on a record you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    let (a, data) = state.app.download_attachment(auth.actor(), id).await?;
    let mut res = (StatusCode::OK, data).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(served_type(&a.content_type)) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = a
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = a
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(res)
}

/// Remove an attachment.
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "timeline", params(("id" = i64, Path)),
    responses((status = 204, description = "Removed"), (status = 403, description = "You may not change its record (problem+json)", body = Problem),
              (status = 404, description = "No such attachment (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_attachment(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
