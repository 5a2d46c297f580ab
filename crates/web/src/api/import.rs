//! `POST /api/v1/leads/import`: leads from a CSV file (raw body or multipart `file`), checked
//! in full before anything is written; `dry_run=true` checks and previews only.

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sen_app::import::{ImportOptions, ImportOutcome};
use sen_domain::import::LeadColumn;
use sen_domain::lead::LeadType;
use serde::Serialize;
use utoipa::ToSchema;

use super::attachments::read_upload;
use super::leads::MoneyJson;
use super::query::QueryPairs;
use crate::extract::Auth;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// The largest file an import takes (about 200,000 rows of ordinary leads).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportColumn {
    pub header: String,
    /// The lead field the column fills; null when it is skipped.
    pub field: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportPreviewRow {
    pub name: String,
    pub contact_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub expected_revenue: Option<MoneyJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub dry_run: bool,
    /// Rows read (blank lines skipped).
    pub rows: usize,
    /// Leads written (0 on a dry run).
    pub created: usize,
    pub pipeline_id: i64,
    pub columns: Vec<ImportColumn>,
    /// The first rows as they will be written.
    pub preview: Vec<ImportPreviewRow>,
    pub seconds: f64,
}

impl From<ImportOutcome> for ImportResult {
    fn from(o: ImportOutcome) -> Self {
        ImportResult {
            dry_run: o.dry_run,
            rows: o.rows,
            created: o.created,
            pipeline_id: o.pipeline_id,
            columns: o
                .columns
                .into_iter()
                .map(|(header, f)| ImportColumn {
                    header,
                    field: f.map(|f| f.as_str().to_string()),
                })
                .collect(),
            preview: o
                .preview
                .into_iter()
                .map(|v| ImportPreviewRow {
                    name: v.name,
                    contact_name: v.contact_name,
                    company_name: v.company_name,
                    email: v.email,
                    phone: v.phone,
                    expected_revenue: v.expected_revenue.map(MoneyJson::from),
                })
                .collect(),
            seconds: o.seconds,
        }
    }
}

/// The options in the query string: `dry_run`, `type`, `pipeline_id`, `columns` (the field
/// of each column in order, comma-separated, blank to skip one).
pub fn import_options(raw: Option<&str>) -> ApiResult<ImportOptions> {
    let q = QueryPairs::parse(raw)?;
    let dry_run = match q.text("dry_run").as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(ApiError::unprocessable("dry_run", "must be true or false")),
    };
    let kind = q
        .text("type")
        .map(|t| {
            LeadType::parse(&t)
                .ok_or_else(|| ApiError::unprocessable("type", "must be lead or opportunity"))
        })
        .transpose()?;
    let columns = q
        .text("columns")
        .map(|c| {
            c.split(',')
                .map(|f| {
                    let f = f.trim();
                    if f.is_empty() {
                        return Ok(None);
                    }
                    LeadColumn::parse(f).map(Some).ok_or_else(|| {
                        ApiError::unprocessable(
                            "columns",
                            format!(
                                "{f} is not a field; use one of {}",
                                LeadColumn::choices().join(", ")
                            ),
                        )
                    })
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .transpose()?;
    Ok(ImportOptions {
        dry_run,
        columns,
        kind,
        pipeline_id: q.number("pipeline_id")?,
    })
}

/// Import leads from CSV (UTF-8, header line; `,` `;` or tab). Every row is checked first:
/// one problem anywhere and nothing is written (422 naming `rows[<line>].<field>`).
#[utoipa::path(post, path = "/api/v1/leads/import", tag = "leads",
    params(("dry_run" = Option<bool>, Query, description = "Check and preview only"),
           ("type" = Option<String>, Query, description = "`lead` (default) or `opportunity`"),
           ("pipeline_id" = Option<i64>, Query, description = "Default: the first pipeline of the type"),
           ("columns" = Option<String>, Query, description = "Field of each column in order, comma-separated, blank to skip; default: guessed from the headers")),
    request_body(content = String, description = "The CSV file, raw (text/csv) or as multipart `file`", content_type = "text/csv"),
    responses((status = 201, description = "Imported", body = ImportResult),
              (status = 400, description = "A query parameter is malformed (problem+json naming it)", body = Problem),
              (status = 200, description = "Dry run: checked, nothing written", body = ImportResult),
              (status = 403, description = "Managers and admins import (problem+json)", body = Problem),
              (status = 413, description = "Over 64 MB (problem+json naming `file`)", body = Problem),
              (status = 422, description = "Unreadable file, no name column, or rows with problems (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let options = import_options(query.as_deref())?;
    state.app.may_import(auth.actor())?;
    let upload = read_upload(&headers, None, body, MAX_IMPORT_BYTES).await?;
    if upload.data.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::unprocessable(
            "file",
            "a file may be at most 64 MB",
        ));
    }
    let dry_run = options.dry_run;
    let outcome = state
        .app
        .import_leads(auth.actor(), &upload.data, options)
        .await?;
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(ImportResult::from(outcome))).into_response())
}
